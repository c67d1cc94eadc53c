using System.Globalization;
using System.Net.Sockets;
using RapidTriage.Testing;
using Xunit.Abstractions;

namespace RapidTriage.Cluster.Tests;

/// <summary>deploy/local/start.sh and stop.sh, run as a developer runs them, on free ports.</summary>
public sealed class DeployScriptTests(ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task StartScript_StartsAzuriteTwoSilosTwoGateways_AndStopScriptStopsExactlyThem()
    {
        var run = Path.Combine(Path.GetTempPath(), "rapidtriage-deploy-test-" + Guid.NewGuid().ToString("N")[..8]);
        var ports = new Dictionary<string, string>();
        foreach (var name in new[] { "AZURITE_BLOB_PORT", "AZURITE_QUEUE_PORT", "AZURITE_TABLE_PORT", "SILO1_PORT", "SILO2_PORT", "SILO1_GATEWAY_PORT", "SILO2_GATEWAY_PORT", "GATEWAY1_PORT", "GATEWAY2_PORT" })
        {
            ports[name] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        }

        var environment = new Dictionary<string, string>(ports)
        {
            ["RAPIDTRIAGE_RUN_DIR"] = run,
            ["RAPIDTRIAGE_NO_BUILD"] = "1",
            ["CONFIGURATION"] = RepoDirectory.Configuration,
            ["AZURITE_BIN"] = RepoDirectory.Azurite,
        };
        try
        {
            var (startCode, started) = await RunScriptAsync("start.sh", environment, TimeSpan.FromSeconds(120));
            output.WriteLine(started);
            Assert.True(startCode == 0, started);
            Assert.Contains($"ws://127.0.0.1:{ports["GATEWAY1_PORT"]}", started, StringComparison.Ordinal);
            Assert.Contains($"ws://127.0.0.1:{ports["GATEWAY2_PORT"]}", started, StringComparison.Ordinal);
            Assert.Contains("export TOKEN=ey", started, StringComparison.Ordinal);
            // The token line is the token alone; the viewer link follows on its own line, on gateway 1's port.
            var tokenLine = started.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("export TOKEN=", StringComparison.Ordinal));
            Assert.DoesNotContain(' ', tokenLine["export TOKEN=".Length..]);
            Assert.Contains($"Viewer: http://127.0.0.1:{ports["GATEWAY1_PORT"]}/sessions/local#token=ey", started, StringComparison.Ordinal);

            var pids = File.ReadAllLines(Path.Combine(run, "pids")).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
            Assert.Equal(["azurite", "gateway1", "gateway2", "silo1", "silo2"], pids.Keys.Order());
            Assert.All(pids.Values, pid => Assert.True(IsRunning(pid), $"pid {pid} is not running"));

            // One session across the two gateways: an event from gateway1 reaches gateway2.
            var session = Sessions.New();
            await using (var extension = await Peer.ConnectAsync(new Uri($"ws://127.0.0.1:{ports["GATEWAY1_PORT"]}/extension-ws?sessionId={session}"), new { clientType = "chrome-extension" }))
            await using (var mcp = await Peer.ConnectAsync(new Uri($"ws://127.0.0.1:{ports["GATEWAY2_PORT"]}/mcp-ws?sessionId={session}"), new { clientType = "mcp-server" }))
            {
                await extension.SendAsync(new { type = "console-log", id = "via-scripts", data = new { message = "hello" } });
                var received = await mcp.ReceiveTypeAsync("console-log");
                Assert.Equal("via-scripts", CrossGatewayTests.Id(received));
            }

            var (stopCode, stopped) = await RunScriptAsync("stop.sh", environment, TimeSpan.FromSeconds(90));
            output.WriteLine(stopped);
            Assert.True(stopCode == 0, stopped);
            Assert.All(pids, p => Assert.False(IsRunning(p.Value), $"{p.Key} (pid {p.Value}) still runs"));
            Assert.False(Directory.Exists(run));
            Assert.False(Listening(int.Parse(ports["GATEWAY1_PORT"], CultureInfo.InvariantCulture)));
            Assert.False(Listening(int.Parse(ports["AZURITE_TABLE_PORT"], CultureInfo.InvariantCulture)));

            // The logs are moved aside, not deleted; the signing key is not kept.
            Assert.Contains("Now listening on", File.ReadAllText(Path.Combine(run + ".last", "gateway1.log")), StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(run + ".last", "signing-key")));
        }
        finally
        {
            if (Directory.Exists(run))
            {
                await RunScriptAsync("stop.sh", environment, TimeSpan.FromSeconds(90));
            }

            DeleteQuietly(run + ".last");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task StartScript_GatewayPortTaken_FailsNamingPortAndHolder_AndStartsNothing()
    {
        var run = Path.Combine(Path.GetTempPath(), "rapidtriage-deploy-test-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string>
        {
            ["RAPIDTRIAGE_RUN_DIR"] = run,
            ["RAPIDTRIAGE_NO_BUILD"] = "1",
            ["CONFIGURATION"] = RepoDirectory.Configuration,
            ["AZURITE_BIN"] = RepoDirectory.Azurite,
        };
        foreach (var name in new[] { "AZURITE_BLOB_PORT", "AZURITE_QUEUE_PORT", "AZURITE_TABLE_PORT", "SILO1_PORT", "SILO2_PORT", "SILO1_GATEWAY_PORT", "SILO2_GATEWAY_PORT", "GATEWAY2_PORT" })
        {
            environment[name] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        }

        // A leftover relay on gateway1's port, as `dotnet run --project gateway` left running would be.
        var leftover = new TcpListener(System.Net.IPAddress.Loopback, 0);
        leftover.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)leftover.LocalEndpoint).Port;
            environment["GATEWAY1_PORT"] = port.ToString(CultureInfo.InvariantCulture);

            var (code, said) = await RunScriptAsync("start.sh", environment, TimeSpan.FromSeconds(50));
            output.WriteLine(said);

            Assert.NotEqual(0, code);
            Assert.Contains($"port {port} (gateway1) is in use by pid {Environment.ProcessId}", said, StringComparison.Ordinal);
            Assert.Contains("FAILED", said, StringComparison.Ordinal);
            Assert.DoesNotContain("ready", said, StringComparison.OrdinalIgnoreCase);
            Assert.False(File.Exists(Path.Combine(run, "pids")), "start.sh started something");
            Assert.False(Listening(int.Parse(environment["AZURITE_BLOB_PORT"], CultureInfo.InvariantCulture)));
        }
        finally
        {
            leftover.Stop();
            if (File.Exists(Path.Combine(run, "pids")))
            {
                await RunScriptAsync("stop.sh", environment, TimeSpan.FromSeconds(90));
            }

            DeleteQuietly(run);
            DeleteQuietly(run + ".last");
        }
    }

    private static void DeleteQuietly(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(string script, Dictionary<string, string> environment, TimeSpan timeout)
    {
        await using var run = await ChildProcess.RunAsync("bash", [Path.Combine(RepoDirectory.DeployLocal, script)], RepoDirectory.DeployLocal, timeout,
            environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
        return (run.ExitCode, run.StandardOutput + run.StandardError);
    }

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Split(' ')[2] != "Z";
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
