using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RapidTriage.Grains.Tests;

/// <summary><c>Relay:Cluster:OutboxMaxBatchBytes</c> is checked when the silo starts.</summary>
public sealed class OutboxOptionsTests
{
    [Theory(Timeout = 30_000)]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task SiloStart_OutboxMaxBatchBytesNotPositive_FailsNamingTheKey(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Relay:Cluster:OutboxMaxBatchBytes"] = value,
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        // Free loopback ports, though the start never reaches them: options are validated first.
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddMemoryGrainStorage(SessionStorage.ProviderName).AddRelaySessions(configuration));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Relay:Cluster:OutboxMaxBatchBytes must be positive", error.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
