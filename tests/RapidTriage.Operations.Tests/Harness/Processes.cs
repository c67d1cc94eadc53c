using RapidTriage.Cluster.Tests;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests.Harness;

/// <summary>
/// Silos and gateways as their own processes from the built binaries, each with a known HTTP port, and their logs
/// kept under <see cref="LogRoot"/> for a look after a failure. Ready means <c>/readyz</c> answered 200.
/// </summary>
internal sealed class Processes : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<NodeProcess> _all = [];

    public Processes(string name)
    {
        LogRoot = Path.Combine(Path.GetTempPath(), "rapidtriage-ops-tests", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}", name);
        Directory.CreateDirectory(LogRoot);
    }

    public string LogRoot { get; }

    public string ClusterId { get; } = "ops" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A silo on Azurite; its health and metrics on <c>http://127.0.0.1:{HttpPort}</c>.</summary>
    public Node StartSilo(string name, string storage, params string[] settings)
    {
        var http = FreePort.Next();
        return Start(name, RepoPaths.SiloDll, http,
        [
            $"--Relay:Storage:ConnectionString={storage}",
            $"--Relay:Cluster:ClusterId={ClusterId}",
            $"--Relay:Silo:SiloPort={FreePort.Next()}",
            $"--Relay:Silo:GatewayPort={FreePort.Next()}",
            $"--Relay:Silo:Urls=http://127.0.0.1:{http}",
            "--Relay:Silo:Membership:ProbeTimeout=00:00:01",
            "--Relay:Silo:Membership:NumMissedProbesLimit=2",
            "--Relay:History:FlushInterval=00:00:00.250",
            .. settings,
        ]);
    }

    /// <summary>A gateway in front of the silos on <paramref name="storage"/>.</summary>
    public Node StartClusterGateway(string name, string storage, params string[] settings) =>
        StartGateway(name,
        [
            "--Relay:Silo:Mode=External",
            $"--Relay:Storage:ConnectionString={storage}",
            $"--Relay:Cluster:ClusterId={ClusterId}",
            "--Relay:Cluster:RenewInterval=00:00:01",
            "--Relay:Cluster:GatewayListRefreshPeriod=00:00:01",
            .. settings,
        ]);

    /// <summary>A gateway in local mode with its embedded silo.</summary>
    public Node StartLocalGateway(string name, params string[] settings) =>
        StartGateway(name,
        [
            $"--Relay:Silo:SiloPort={FreePort.Next()}",
            $"--Relay:Silo:GatewayPort={FreePort.Next()}",
            .. settings,
        ]);

    public async ValueTask DisposeAsync()
    {
        // Gateways before silos (reverse start order); a second dispose finds nothing left.
        var all = _all.AsEnumerable().Reverse().ToList();
        _all.Clear();
        foreach (var process in all)
        {
            await process.DisposeAsync();
        }
    }

    private Node StartGateway(string name, string[] settings)
    {
        var port = FreePort.Next();
        return Start(name, RepoPaths.GatewayDll, port,
        [
            $"--Relay:Urls=http://127.0.0.1:{port}",
            $"--Relay:Auth:SigningKey={RelayServer.SigningKey}",
            .. settings,
        ]);
    }

    private Node Start(string name, string dll, int httpPort, string[] settings)
    {
        string[] quiet =
        [
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:RapidTriage=Information",
            "--Logging:LogLevel:Orleans=Warning",
        ];
        var process = NodeProcess.Start(name, "dotnet", [dll, .. quiet, .. settings], LogRoot, workingDirectory: Path.GetDirectoryName(dll));
        _all.Add(process);
        return new Node(process, httpPort, StartTimeout);
    }
}
