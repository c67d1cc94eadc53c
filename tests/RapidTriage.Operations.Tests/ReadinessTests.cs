using System.Net;
using RapidTriage.Operations.Tests.Harness;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// Health of a cluster on Azurite: a silo is ready while its storage answers and its membership sees it active;
/// a gateway is ready while a silo answers; both stay alive (<c>/healthz</c>) through an outage.
/// </summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    /// <summary>A readiness probe gives up after 3 s; a poll every 100 ms sees the change within this.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private LocalCluster _processes = null!;
    private ClusterNode _silo = null!;
    private ClusterNode _gateway = null!;

    public async Task InitializeAsync()
    {
        _processes = await LocalCluster.StartOnOwnStorageAsync(TestLogs.Directory(nameof(ReadinessTests)));
        _silo = _processes.StartSilo("silo");
        await _silo.WaitReadyAsync();
        _gateway = _processes.StartGateway("gateway");
        await _gateway.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await _processes.DisposeAsync();

    [Fact(Timeout = 120_000)]
    public async Task Readyz_StorageStoppedThenRestarted_SiloUnreadyThenReady_GatewayFollowsTheCluster()
    {
        Assert.Equal(HttpStatusCode.OK, await _silo.StatusAsync("/healthz"));
        Assert.Equal(HttpStatusCode.OK, await _gateway.StatusAsync("/healthz"));
        var siloMetrics = await _silo.ScrapeAsync();
        Assert.Contains(siloMetrics.Names, n => n.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(siloMetrics.Names, n => n.StartsWith("dotnet_", StringComparison.Ordinal));

        await _processes.Storage.StopAsync();
        await _silo.WaitForStatusAsync("/readyz", HttpStatusCode.ServiceUnavailable, Bound);
        Assert.Equal(HttpStatusCode.OK, await _silo.StatusAsync("/healthz"));

        // The gateway needs the cluster, not storage: its silo still answers.
        Assert.Equal(HttpStatusCode.OK, await _gateway.StatusAsync("/readyz"));

        await _processes.Storage.RestartAsync();
        await _silo.WaitForStatusAsync("/readyz", HttpStatusCode.OK, Bound);

        // Without a silo the gateway cannot serve a session: unready, but alive.
        _silo.Process.Kill();
        await _gateway.WaitForStatusAsync("/readyz", HttpStatusCode.ServiceUnavailable, Bound);
        Assert.Equal(HttpStatusCode.OK, await _gateway.StatusAsync("/healthz"));
    }
}
