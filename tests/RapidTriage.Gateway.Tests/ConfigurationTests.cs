using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Hosting;
using RapidTriage.Silo.Hosting;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// The options model (README "Configuration"): a bad value stops the gateway before it serves, with a message that
/// names the key; the rule between the gateway's renewals and the sessions' expiry holds where one process binds
/// both; renamed keys keep working, with a warning.
/// </summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string, string> InvalidSettings => new()
    {
        // Gateway (RelayOptions and its sections).
        { "Relay:MaxMessageSize=0", "Relay:MaxMessageSize" },
        { "Relay:MaxMessageSize=big", "Relay:MaxMessageSize" },
        { "Relay:Mode=Cloud", "Relay:Mode" },
        { "Relay:DefaultSessionId=not a session id", "Relay:DefaultSessionId" },
        { "Relay:HeartbeatInterval=00:00:00", "Relay:HeartbeatInterval" },
        { "Relay:SendQueueBytes=10", "Relay:SendQueueBytes" },
        { "Relay:CloseTimeout=-00:00:01", "Relay:CloseTimeout" },
        { "Relay:RateLimit:Burst=0", "Relay:RateLimit:Burst" },
        { "Relay:RateLimit:PermitsPerSecond=-1", "Relay:RateLimit:PermitsPerSecond" },
        { "Relay:Operations:Port=70000", "Relay:Operations:Port" },
        { "Relay:Limits:HandshakeTimeout=00:00:00", "Relay:Limits:HandshakeTimeout" },
        { "Relay:Api:MaxResponseBytes=10", "Relay:Api:MaxResponseBytes" },
        { "Relay:ForwardedHeaders:ForwardLimit=0", "Relay:ForwardedHeaders:ForwardLimit" },
        { "Relay:Local:MaxSessions=-1", "Relay:Local:MaxSessions" },
        { "Relay:Cluster:RenewInterval=00:00:00", "Relay:Cluster:RenewInterval" },

        // Feature sections.
        { "Relay:Mcp:Burst=0", "Relay:Mcp:Burst" },
        { "Relay:Viewer:LocalTokenLifetime=00:00:01", "Relay:Viewer:LocalTokenLifetime" },
        { "Relay:BrowserTools:MaxLogLimit=0", "Relay:BrowserTools:MaxLogLimit" },

        // The embedded silo and its sessions.
        { "Relay:Silo:Mode=Remote", "Relay:Silo:Mode" },
        { "Relay:Silo:SiloPort=0", "Relay:Silo:SiloPort" },
        { "Relay:Silo:Membership:NumMissedProbesLimit=0", "Relay:Silo:Membership:NumMissedProbesLimit" },
        { "Relay:History:PerType=0", "Relay:History:PerType" },
        { "Relay:History:FlushInterval=00:00:00", "Relay:History:FlushInterval" },
        { "Relay:Cluster:GatewayQueueBytes=1", "Relay:Cluster:GatewayQueueBytes" },
        { "Relay:SessionIdleTimeout=00:00:00", "Relay:SessionIdleTimeout" },
        { "Relay:MaxRosterSize=0", "Relay:MaxRosterSize" },
    };

    [Theory(Timeout = TestTimeouts.Short)]
    [MemberData(nameof(InvalidSettings))]
    public async Task Start_InvalidValue_FailsNamingTheKey(string setting, string key)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RelayServer.StartAsync(setting));

        Assert.Contains(key, failure.Message, StringComparison.Ordinal);

        // What `dotnet run --project gateway` prints instead of a stack trace.
        var printed = ConfigurationErrors.Describe(failure);
        Assert.NotNull(printed);
        Assert.Contains(key, printed, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Start_SeveralBadValuesInOneSection_NamesEachKey()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RelayServer.StartAsync("Relay:MaxMessageSize=0", "Relay:RateLimit:Burst=0", "Relay:Api:MaxResponseBytes=10"));

        Assert.Contains("Relay:MaxMessageSize", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Relay:RateLimit:Burst", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Relay:Api:MaxResponseBytes", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Start_ObserverExpiryUnderThreeRenewIntervals_FailsNamingBothKeys()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RelayServer.StartAsync("Relay:Cluster:RenewInterval=00:01:00", "Relay:Cluster:ObserverExpiry=00:02:59"));

        Assert.Contains("Relay:Cluster:ObserverExpiry", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Relay:Cluster:RenewInterval", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Start_ObserverExpiryExactlyThreeRenewIntervals_Starts()
    {
        await using var server = await RelayServer.StartAsync("Relay:Cluster:RenewInterval=00:01:00", "Relay:Cluster:ObserverExpiry=00:03:00");
        await using var client = await TestClient.ConnectAsync(server.WebSocketUri("/extension-ws"));

        Assert.Equal("local", client.Ack["data"]!["sessionId"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Start_RenamedEmbeddedSiloPortKeys_StillSetThePortsAndWarnOnce()
    {
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        using var logs = new LogCapture();
        await using var app = RelayApp.Build(
            [
                "--Relay:Urls=http://127.0.0.1:0",
                $"--Relay:Local:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Relay:Local:GatewayPort={gatewayPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Relay:Auth:SigningKey={RelayServer.SigningKey}",
                "--Relay:DrainWindow=00:00:00.200",
            ],
            builder => builder.Logging.AddProvider(logs));
        await app.StartAsync();
        try
        {
            var silo = app.Services.GetRequiredService<ILocalSiloDetails>();
            Assert.Equal(siloPort, silo.SiloAddress.Endpoint.Port);
            Assert.Equal(gatewayPort, silo.GatewayAddress!.Endpoint.Port);

            var warnings = logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.Contains("deprecated", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, warnings.Count);
            Assert.Contains(warnings, w => w.Message.Contains("Relay:Local:SiloPort", StringComparison.Ordinal) && w.Message.Contains("Relay:Silo:SiloPort", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Message.Contains("Relay:Local:GatewayPort", StringComparison.Ordinal) && w.Message.Contains("Relay:Silo:GatewayPort", StringComparison.Ordinal));
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await app.StopAsync(stop.Token);
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Build_RenamedSiloValue_SelectsExternalMode()
    {
        await using var app = RelayApp.Build(["--Relay:Silo=External", "--Relay:Mode=Hosted", $"--Relay:Auth:SigningKey={RelayServer.SigningKey}"]);

        Assert.Equal(SiloMode.External, app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.Mode);
        Assert.Null(app.Services.GetService<ILocalSiloDetails>());
        Assert.NotNull(app.Services.GetService<IClusterClient>());
    }

    [Fact]
    public void MapRenamedKeys_OldAndNewBothSet_NewWinsAndOldIsReportedIgnored()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Relay:Silo"] = "External",
            ["Relay:Silo:Mode"] = "Embedded",
            ["Relay:Local:SiloPort"] = "12000",
        });

        builder.MapRenamedKeys(OrleansComposition.RenamedKeys);

        Assert.Equal("Embedded", builder.Configuration["Relay:Silo:Mode"]);
        Assert.Equal("12000", builder.Configuration["Relay:Silo:SiloPort"]);
        Assert.Null(builder.Configuration["Relay:Silo:GatewayPort"]);
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IHostedService));
    }
}
