using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary>
/// Silos and gateways of one cluster (its own cluster id) as separate processes on Azurite, started from the
/// built binaries. Short renew and expiry periods keep failure tests quick; the bounds they imply are below.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>How often gateways renew (production default: 5 s).</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(1);

    /// <summary>When a session gives up on a silent gateway (production default: 15 s).</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Azurite _azurite;
    private readonly string _logDirectory;
    private readonly Endpoints[] _silos;
    private readonly Endpoints[] _gateways;
    private readonly NodeProcess?[] _siloProcesses;
    private readonly NodeProcess?[] _gatewayProcesses;
    private readonly List<NodeProcess> _all = [];
    private int _starts;

    private readonly bool _defaults;

    private LocalCluster(Azurite azurite, string logRoot, int silos, int gateways, bool defaults)
    {
        _azurite = azurite;
        _defaults = defaults;
        ClusterId = "c" + Guid.NewGuid().ToString("N")[..10];
        _logDirectory = Path.Combine(logRoot, ClusterId);
        _silos = [.. Enumerable.Range(0, silos).Select(_ => new Endpoints(FreePort.Next(), FreePort.Next()))];
        _gateways = [.. Enumerable.Range(0, gateways).Select(_ => new Endpoints(FreePort.Next(), 0))];
        _siloProcesses = new NodeProcess?[silos];
        _gatewayProcesses = new NodeProcess?[gateways];
    }

    public string ClusterId { get; }

    public static Task<LocalCluster> StartAsync(AzuriteFixture fixture, int silos = 2, int gateways = 2) =>
        StartAsync(fixture.Azurite, fixture.LogRoot, silos, gateways, defaults: false);

    /// <summary>
    /// A cluster on the given Azurite. With <paramref name="defaults"/> the silos and gateways run with the
    /// production defaults for renewal, expiry, failure detection and history flushes, not the short periods above.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(Azurite azurite, string logRoot, int silos, int gateways, bool defaults)
    {
        var cluster = new LocalCluster(azurite, logRoot, silos, gateways, defaults);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(cluster.StartSiloAsync));
            await Task.WhenAll(Enumerable.Range(0, gateways).Select(cluster.StartGatewayAsync));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    public Uri GatewayUri(int index, string pathAndQuery) =>
        new($"ws://127.0.0.1:{_gateways[index].Port}{pathAndQuery}");

    public Uri GatewayHttp(int index, string pathAndQuery) =>
        new($"http://127.0.0.1:{_gateways[index].Port}{pathAndQuery}");

    public NodeProcess Silo(int index) => _siloProcesses[index] ?? throw new InvalidOperationException($"silo {index} is not running");

    public NodeProcess Gateway(int index) => _gatewayProcesses[index] ?? throw new InvalidOperationException($"gateway {index} is not running");

    public async Task StartSiloAsync(int index)
    {
        var (siloPort, gatewayPort) = _silos[index];
        string[] tuned = _defaults ? [] :
        [
            // Death of a killed silo is declared after about two missed 1 s probes (production: 5 s probes, 3 misses).
            "--Relay:Silo:Membership:ProbeTimeout=00:00:01",
            "--Relay:Silo:Membership:NumMissedProbesLimit=2",
            "--Relay:Silo:Membership:TableRefreshTimeout=00:00:02",
            $"--Relay:Cluster:ObserverExpiry={ObserverExpiry}",
            "--Relay:History:FlushInterval=00:00:00.250",
        ];
        var process = Start($"silo{index}", RepoPaths.SiloDll,
        [
            $"--Relay:Silo:SiloPort={siloPort}",
            $"--Relay:Silo:GatewayPort={gatewayPort}",
            "--Relay:Silo:ShutdownTimeout=00:00:20",
            "--Logging:LogLevel:RapidTriage.Grains=Debug",
            .. tuned,
        ]);
        _siloProcesses[index] = process;
        await process.WaitForOutputAsync("Silo ready", StartTimeout);
    }

    public async Task StartGatewayAsync(int index)
    {
        var port = _gateways[index].Port;
        string[] tuned = _defaults ? [] :
        [
            $"--Relay:Cluster:RenewInterval={RenewInterval}",
            "--Relay:Cluster:GatewayListRefreshPeriod=00:00:01",
            "--Relay:InitGracePeriod=00:00:00.200",
        ];
        var process = Start($"gateway{index}", RepoPaths.GatewayDll,
        [
            "--Relay:Silo:Mode=External",
            $"--Relay:Urls=http://127.0.0.1:{port}",
            $"--Relay:Auth:SigningKey={RelayServer.SigningKey}",
            "--Logging:LogLevel:RapidTriage.Gateway.Connection=Debug",
            .. tuned,
        ]);
        _gatewayProcesses[index] = process;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(GatewayHttp(index, "/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"gateway{index} did not answer on port {port}.\n{process.Tail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The index of the silo whose log shows the session's newest activation.</summary>
    public int SiloHosting(string sessionId)
    {
        var line = $"Session {sessionId} activated";
        for (var i = 0; i < _siloProcesses.Length; i++)
        {
            if (_siloProcesses[i] is { HasExited: false } silo && silo.Printed(line))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"No running silo logged '{line}'.");
    }

    public string Logs() => string.Join('\n', _all.Select(p => p.Tail(60)));

    public async ValueTask DisposeAsync()
    {
        // Gateways first, then silos, then nothing else: Azurite belongs to the fixture.
        foreach (var process in _all.AsEnumerable().Reverse())
        {
            await process.DisposeAsync();
        }
    }

    private NodeProcess Start(string name, string dll, string[] own)
    {
        string[] common =
        [
            $"--Relay:Storage:ConnectionString={_azurite.ConnectionString}",
            $"--Relay:Cluster:ClusterId={ClusterId}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:RapidTriage=Information",
            "--Logging:LogLevel:Orleans=Warning",
            "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            "--Logging:Console:TimestampFormat=HH:mm:ss.fff ",
        ];
        var process = NodeProcess.Start($"{name}-{++_starts}", "dotnet", [dll, .. common, .. own], _logDirectory,
            workingDirectory: Path.GetDirectoryName(dll));
        _all.Add(process);
        return process;
    }

    private readonly record struct Endpoints(int Port, int GatewayPort);
}
