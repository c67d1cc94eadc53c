using System.Diagnostics;
using System.Net.WebSockets;
using RapidTriage.Testing;
using Xunit.Abstractions;

namespace RapidTriage.Cluster.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class GatewayFailureTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// A killed gateway's members leave once the session expires it: <c>ObserverExpiry</c> after its last
    /// renewal, found by the grain's tick (at most 1 s), plus a second of slack for a loaded machine.
    /// </summary>
    private static readonly TimeSpan LeaveBound = LocalCluster.ObserverExpiry + TimeSpan.FromSeconds(2);

    /// <summary>
    /// A gateway paused for longer than <c>GatewayExpiry</c> (3 s) is declared gone and its members leave. When it runs
    /// again, the registry answers its next beat with "you were silent", and it renews its sessions at once: its
    /// receiver is put back and gets what it missed, long before its renewal sweep (10 minutes here) would have.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task Gateway_PausedPastGatewayExpiry_ItsMembersComeBackWithWhatTheyMissed_AtItsNextBeat()
    {
        await using var cluster = await fixture.StartClusterAsync(silos: 0, gateways: 0);
        var silo = cluster.StartSilo("silo", "--Relay:Cluster:ObserverExpiry=00:30:00");
        await silo.WaitReadyAsync();
        var producing = cluster.StartGateway("gateway-a");
        // Its follow-up renewals after the silo joined (Relay:Cluster:SiloLossWindow) are over within a second, so
        // nothing but the beat can renew its session while the test runs.
        var paused = cluster.StartGateway("gateway-b", "--Relay:Cluster:RenewInterval=00:10:00", "--Relay:Cluster:SiloLossWindow=00:00:01");
        await Task.WhenAll(producing.WaitReadyAsync(), paused.WaitReadyAsync());
        var session = Sessions.New();
        await using var extension = await Peer.ConnectAsync(producing.WebSocket($"/extension-ws?sessionId={session}"), new { clientType = "chrome-extension" });
        await using var mcp = await Peer.ConnectAsync(paused.WebSocket($"/mcp-ws?sessionId={session}"), new { clientType = "mcp-server" });
        await extension.SendAsync(new { type = "console-log", id = "e1", data = new { i = 1 } });
        await mcp.ReceiveTypeAsync("console-log");

        await paused.Process.SignalAsync("STOP");
        try
        {
            var left = await extension.ReceiveTypeAsync("member-left", TimeSpan.FromSeconds(20));
            Assert.Equal(mcp.ConnectionId, left["data"]!["connectionId"]!.GetValue<string>());
            for (var i = 2; i <= 4; i++)
            {
                await extension.SendAsync(new { type = "console-log", id = $"e{i}", data = new { i } });
            }
        }
        finally
        {
            await paused.Process.SignalAsync("CONT");
        }

        var clock = Stopwatch.StartNew();
        var missed = await mcp.ReceiveManyAsync("console-log", 3, TimeSpan.FromSeconds(20));
        output.WriteLine($"the paused gateway's receiver had what it missed {clock.Elapsed.TotalSeconds:F1} s after the resume");
        Assert.Equal(["e2", "e3", "e4"], missed.Select(f => f["id"]!.GetValue<string>()));
    }

    [Fact(Timeout = 120_000)]
    public async Task Gateway_Killed_ItsConnectionsLeaveWithinBound_AndItsClientsRecoverOnTheOtherGateway()
    {
        await using var cluster = await fixture.StartClusterAsync(silos: 1);
        var session = Sessions.New();
        await using var extension = await Peer.ExtensionAsync(cluster, 0, session);
        var mcp = await Peer.McpAsync(cluster, 1, session);
        var tunnel = await Peer.TunnelAsync(cluster, 1, session);
        try
        {
            for (var i = 1; i <= 5; i++)
            {
                await extension.SendAsync(new { type = "console-log", id = $"e{i}", data = new { i } });
            }

            await mcp.ReceiveManyAsync("console-log", 5);
            await tunnel.ReceiveManyAsync("console-log", 5);
            var (epoch, lastSeq) = (mcp.Epoch, mcp.LastSeq);
            Assert.Equal(5, lastSeq);
            while (await extension.ReceiveAsync(TimeSpan.FromMilliseconds(200)) is not null)
            {
                // Drains the member-joined frames of the two clients on gateway B.
            }

            cluster.Gateway(1).Kill();
            var clock = Stopwatch.StartNew();
            for (var i = 6; i <= 10; i++)
            {
                await extension.SendAsync(new { type = "console-log", id = $"e{i}", data = new { i } });
            }

            var gone = new HashSet<string> { mcp.ConnectionId, tunnel.ConnectionId };
            while (gone.Count > 0)
            {
                var left = await extension.ReceiveTypeAsync("member-left", LeaveBound - clock.Elapsed);
                gone.Remove(left["data"]!["connectionId"]!.GetValue<string>());
            }

            output.WriteLine($"both members left {clock.Elapsed.TotalSeconds:F1} s after the kill (bound {LeaveBound.TotalSeconds} s)");
            Assert.True(clock.Elapsed <= LeaveBound);
            Assert.NotEqual(WebSocketCloseStatus.NormalClosure, await mcp.WaitClosedAsync(TimeSpan.FromSeconds(5)));

            await using var mcpAgain = await Peer.McpAsync(cluster, 0, session, new { clientType = "mcp-server", lastSeq, epoch });
            await using var tunnelAgain = await Peer.TunnelAsync(cluster, 0, session, new { clientType = "remote-client", lastSeq, epoch });
            foreach (var again in new[] { mcpAgain, tunnelAgain })
            {
                Assert.True(again.InitAck!["data"]!["recovered"]!.GetValue<bool>(), again.InitAck.ToJsonString());
                var missed = await again.ReceiveManyAsync("console-log", 5);
                Assert.Equal(Enumerable.Range(6, 5).Select(i => (long)i), missed.Select(CrossGatewayTests.Seq));
                Assert.Equal(Enumerable.Range(6, 5).Select(i => $"e{i}"), missed.Select(CrossGatewayTests.Id));
            }

            await extension.SendAsync(new { type = "console-log", id = "e11", data = new { i = 11 } });
            Assert.Equal(11, CrossGatewayTests.Seq(await mcpAgain.ReceiveTypeAsync("console-log")));
            Assert.Equal(11, CrossGatewayTests.Seq(await tunnelAgain.ReceiveTypeAsync("console-log")));
        }
        finally
        {
            await mcp.DisposeAsync();
            await tunnel.DisposeAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Gateway_Stopped_ClosesItsSocketsWith1012_AndItsMembersLeaveAtOnce()
    {
        await using var cluster = await fixture.StartClusterAsync(silos: 1);
        var session = Sessions.New();
        await using var extension = await Peer.ExtensionAsync(cluster, 0, session);
        await using var mcp = await Peer.McpAsync(cluster, 1, session);
        await extension.ReceiveTypeAsync("member-joined");

        var clock = Stopwatch.StartNew();
        var stopping = cluster.Gateway(1).StopAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((WebSocketCloseStatus)1012, await mcp.WaitClosedAsync(TimeSpan.FromSeconds(10)));
        var left = await extension.ReceiveTypeAsync("member-left", LocalCluster.ObserverExpiry);
        output.WriteLine($"member-left {clock.Elapsed.TotalSeconds:F1} s after SIGTERM");
        Assert.Equal(mcp.ConnectionId, left["data"]!["connectionId"]!.GetValue<string>());

        // Sooner than expiry could have done it: the stopping gateway said Leave itself.
        Assert.True(clock.Elapsed < LocalCluster.ObserverExpiry);
        await stopping;
    }
}
