namespace RapidTriage.Testing;

/// <summary>
/// Silos and gateways of one cluster (its own cluster id) as separate processes from the built binaries, each
/// on known loopback ports, their logs kept under <see cref="LogDirectory"/> for a look after a failure.
/// Unless started with production defaults, short renew, expiry and failure-detection periods keep failure
/// tests quick; the bounds they imply are below.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>How often gateways renew (production default: 60 s).</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(1);

    /// <summary>When a session gives up on a silent gateway it cannot learn about otherwise (production default: 180 s).</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // Process logs at Information for the relay and Warning for the rest: what a failure message needs.
    private static readonly string[] QuietLogs =
    [
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:RapidTriage=Information",
        "--Logging:LogLevel:Orleans=Warning",
    ];

    // More detail for the failover tests, which read membership changes and activations from the logs.
    private static readonly string[] DetailedLogs =
    [
        "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
        "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
        "--Logging:Console:TimestampFormat=HH:mm:ss.fff ",
    ];

    private readonly string? _storage;
    private readonly bool _defaults;
    private Azurite? _ownStorage;
    private readonly List<ChildProcess> _all = [];
    private readonly List<SiloPorts> _siloPorts = [];
    private readonly List<ClusterNode?> _silos = [];
    private readonly List<ClusterNode?> _gateways = [];
    private readonly List<int> _gatewayPorts = [];
    private readonly HashSet<string> _names = [];

    /// <summary>A cluster with no process yet.</summary>
    /// <param name="logDirectory">Where each process's log goes (<c>name.log</c>).</param>
    /// <param name="storageConnectionString">The storage of silos and cluster gateways (Azurite); none for local gateways only.</param>
    /// <param name="defaults">Run with the production renewal, expiry, failure-detection and flush periods.</param>
    public LocalCluster(string logDirectory, string? storageConnectionString = null, bool defaults = false)
        : this(logDirectory, storageConnectionString, defaults, folderPerCluster: false)
    {
    }

    private LocalCluster(string logDirectory, string? storageConnectionString, bool defaults, bool folderPerCluster)
    {
        LogDirectory = folderPerCluster ? Path.Combine(logDirectory, ClusterId) : logDirectory;
        _storage = storageConnectionString;
        _defaults = defaults;
        Directory.CreateDirectory(LogDirectory);
    }

    public string ClusterId { get; } = "c" + Guid.NewGuid().ToString("N")[..10];

    public string LogDirectory { get; }

    /// <summary>Azurite started for this cluster alone by <see cref="StartOnOwnStorageAsync"/>: stop and restart it for an outage.</summary>
    public Azurite Storage => _ownStorage ?? throw new InvalidOperationException("This cluster runs on storage it does not own.");

    /// <summary>
    /// A cluster with no process yet on an Azurite of its own, its data on disk in <paramref name="logDirectory"/> so
    /// that <see cref="Storage"/> can be stopped and restarted with its tables and blobs; both go on dispose.
    /// </summary>
    public static async Task<LocalCluster> StartOnOwnStorageAsync(string logDirectory)
    {
        var storage = await Azurite.StartAsync(logDirectory, Path.Combine(logDirectory, "azurite-data"));
        return new LocalCluster(logDirectory, storage.ConnectionString) { _ownStorage = storage };
    }

    /// <summary>
    /// Starts <paramref name="silos"/> silos then <paramref name="gateways"/> gateways on <paramref name="azurite"/>
    /// and waits until each serves; logs go to a folder named after the cluster under <paramref name="logRoot"/>.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(Azurite azurite, string logRoot, int silos = 2, int gateways = 2, bool defaults = false)
    {
        var cluster = new LocalCluster(logRoot, azurite.ConnectionString, defaults, folderPerCluster: true);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster._siloPorts.Add(new SiloPorts(FreePort.Next(), FreePort.Next(), FreePort.Next()));
                cluster._silos.Add(null);
            }

            for (var i = 0; i < gateways; i++)
            {
                cluster._gatewayPorts.Add(FreePort.Next());
                cluster._gateways.Add(null);
            }

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

    /// <summary>Starts a silo on free ports; its health and metrics on <c>http://127.0.0.1:{HttpPort}</c>. Does not wait.</summary>
    public ClusterNode StartSilo(string name, params string[] settings) =>
        LaunchSilo(name, new SiloPorts(FreePort.Next(), FreePort.Next(), FreePort.Next()), settings);

    /// <summary>Starts a gateway in front of this cluster's silos on a free port. Does not wait.</summary>
    public ClusterNode StartGateway(string name, params string[] settings) => LaunchGateway(name, FreePort.Next(), settings);

    /// <summary>Starts a gateway in local mode, with its embedded silo, on a free port. Does not wait.</summary>
    public ClusterNode StartLocalGateway(string name, params string[] settings)
    {
        var port = FreePort.Next();
        return Launch(name, RepoDirectory.GatewayDll, port,
        [
            $"--Relay:Urls=http://127.0.0.1:{port}",
            $"--Relay:Auth:SigningKey={RelayServer.SigningKey}",
            $"--Relay:Silo:SiloPort={FreePort.Next()}",
            $"--Relay:Silo:GatewayPort={FreePort.Next()}",
            .. settings,
        ]);
    }

    /// <summary>Silo <paramref name="index"/> of those <see cref="StartAsync"/> started.</summary>
    public ChildProcess Silo(int index) => _silos[index]?.Process ?? throw new InvalidOperationException($"silo {index} is not running");

    /// <summary>Gateway <paramref name="index"/> of those <see cref="StartAsync"/> started.</summary>
    public ChildProcess Gateway(int index) => _gateways[index]?.Process ?? throw new InvalidOperationException($"gateway {index} is not running");

    public Uri GatewayUri(int index, string pathAndQuery) => new($"ws://127.0.0.1:{_gatewayPorts[index]}{pathAndQuery}");

    public Uri GatewayHttp(int index, string pathAndQuery) => new($"http://127.0.0.1:{_gatewayPorts[index]}{pathAndQuery}");

    /// <summary>(Re)starts silo <paramref name="index"/> on its ports and waits until it has joined the cluster.</summary>
    public async Task StartSiloAsync(int index)
    {
        var node = LaunchSilo($"silo{index}", _siloPorts[index], ["--Logging:LogLevel:RapidTriage.Grains=Debug", .. DetailedLogs]);
        _silos[index] = node;
        await node.Process.WaitForOutputAsync("Silo ready", StartTimeout);
    }

    /// <summary>(Re)starts gateway <paramref name="index"/> on its port and waits until it answers.</summary>
    public async Task StartGatewayAsync(int index)
    {
        // Live events flow 200 ms after the open ack when no connection-init came (production: 1 s).
        string[] quickInit = _defaults ? [] : ["--Relay:InitGracePeriod=00:00:00.200"];
        var node = LaunchGateway($"gateway{index}", _gatewayPorts[index], [.. quickInit, "--Logging:LogLevel:RapidTriage.Gateway.Connection=Debug", .. DetailedLogs]);
        _gateways[index] = node;
        await node.WaitForStatusAsync("/", System.Net.HttpStatusCode.OK);
    }

    /// <summary>The index of the running silo whose log shows the session's activation.</summary>
    public int SiloHosting(string sessionId)
    {
        var line = $"Session {sessionId} activated";
        for (var i = 0; i < _silos.Count; i++)
        {
            if (_silos[i]?.Process is { HasExited: false } silo && silo.Printed(line))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"No running silo logged '{line}'.");
    }

    /// <summary>The last lines of every process: the message of a failed cluster assertion.</summary>
    public string Logs() => string.Join('\n', _all.Select(p => p.Tail(60)));

    public async ValueTask DisposeAsync()
    {
        // Gateways before silos (reverse start order); a second dispose finds nothing left. Azurite last, and only when the cluster started it.
        var all = _all.AsEnumerable().Reverse().ToList();
        _all.Clear();
        foreach (var process in all)
        {
            await process.DisposeAsync();
        }

        if (_ownStorage is not null)
        {
            await _ownStorage.DisposeAsync();
        }
    }

    private ClusterNode LaunchSilo(string name, SiloPorts ports, string[] settings)
    {
        string[] tuned = _defaults ? [] :
        [
            // Death of a killed silo is declared after about two missed 1 s probes (production: 5 s probes, 3 misses).
            "--Relay:Silo:Membership:ProbeTimeout=00:00:01",
            "--Relay:Silo:Membership:NumMissedProbesLimit=2",
            "--Relay:Silo:Membership:TableRefreshTimeout=00:00:02",
            $"--Relay:Cluster:ObserverExpiry={ObserverExpiry}",
            "--Relay:History:FlushInterval=00:00:00.250",
        ];
        return Launch(name, RepoDirectory.SiloDll, ports.Http,
        [
            .. StorageSettings(),
            $"--Relay:Silo:SiloPort={ports.Silo}",
            $"--Relay:Silo:GatewayPort={ports.Gateway}",
            $"--Relay:Silo:Urls=http://127.0.0.1:{ports.Http}",
            "--Relay:Silo:ShutdownTimeout=00:00:20",
            .. tuned,
            .. settings,
        ]);
    }

    private ClusterNode LaunchGateway(string name, int port, string[] settings)
    {
        string[] tuned = _defaults ? [] :
        [
            $"--Relay:Cluster:RenewInterval={RenewInterval}",
            "--Relay:Cluster:GatewayListRefreshPeriod=00:00:01",
        ];
        return Launch(name, RepoDirectory.GatewayDll, port,
        [
            "--Relay:Silo:Mode=External",
            .. StorageSettings(),
            $"--Relay:Urls=http://127.0.0.1:{port}",
            $"--Relay:Auth:SigningKey={RelayServer.SigningKey}",
            .. tuned,
            .. settings,
        ]);
    }

    private string[] StorageSettings() =>
    [
        $"--Relay:Storage:ConnectionString={_storage ?? throw new InvalidOperationException("This cluster has no storage: pass Azurite's connection string.")}",
        $"--Relay:Cluster:ClusterId={ClusterId}",
    ];

    private ClusterNode Launch(string name, string dll, int httpPort, string[] settings)
    {
        // A restarted node keeps its name; its log file gets a number so the first run's log is kept.
        var file = name;
        for (var n = 2; !_names.Add(file); n++)
        {
            file = $"{name}-{n}";
        }

        // SIGINT at its default: a test run started in the background by a shell without job control inherits it
        // ignored, and the runtime then never sees Ctrl+C (ShutdownTests failed so). env execs, so the pid is dotnet's.
        var process = ChildProcess.Start("env", ["--default-signal=INT", "dotnet", dll, .. QuietLogs, .. settings], Path.GetDirectoryName(dll)!,
            "Install the .NET SDK.", logFile: Path.Combine(LogDirectory, file + ".log"));
        _all.Add(process);
        return new ClusterNode(process, httpPort, StartTimeout);
    }

    private readonly record struct SiloPorts(int Silo, int Gateway, int Http);
}
