using System.Diagnostics;
using Xunit.Abstractions;

namespace RapidTriage.Cluster.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class RestartTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task EverySilo_Restarted_SessionsComeBackFromStorage_AndLiveClientsCarryOn()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var session = Sessions.New();
        await using var extension = await Peer.ExtensionAsync(cluster, 0, session);
        await using var mcp = await Peer.McpAsync(cluster, 1, session);
        for (var i = 1; i <= 10; i++)
        {
            await extension.SendAsync(new { type = "console-log", id = $"e{i}", data = new { i } });
        }

        await mcp.ReceiveManyAsync("console-log", 10);
        var epoch = mcp.Epoch;

        // SIGTERM: each silo deactivates its sessions, which write a final snapshot, then leaves the cluster.
        await Task.WhenAll(cluster.Silo(0).StopAsync(TimeSpan.FromSeconds(30)), cluster.Silo(1).StopAsync(TimeSpan.FromSeconds(30)));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(cluster.StartSiloAsync(0), cluster.StartSiloAsync(1));
        output.WriteLine($"silos back after {clock.Elapsed.TotalSeconds:F1} s");

        // The sockets stayed open on their gateways; the first event after the restart reaches the other side,
        // numbered after the ten from before.
        var n = 0;
        while (true)
        {
            await extension.SendAsync(new { type = "console-log", id = $"after{++n}", data = new { n } });
            var frame = await mcp.ReceiveAsync(TimeSpan.FromMilliseconds(500));
            if (frame?["type"]?.GetValue<string>() == "console-log")
            {
                output.WriteLine($"traffic flows again {clock.Elapsed.TotalSeconds:F1} s after the restart began");
                Assert.StartsWith("after", CrossGatewayTests.Id(frame));
                Assert.Equal(11, CrossGatewayTests.Seq(frame));
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "No event got through after the silos came back.\n" + cluster.Logs());
        }

        Assert.Equal(epoch, mcp.Epoch);
        var history = await SessionApiClient.EventsAsync(cluster, 0, session);
        var events = history["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"e{i}"), events.Take(10).Select(CrossGatewayTests.Id));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), events.Take(10).Select(CrossGatewayTests.Seq));

        // A client that saw up to seq 5 before the restart recovers exactly: same epoch, nothing lost.
        await using var late = await Peer.McpAsync(cluster, 0, session, new { clientType = "mcp-server", lastSeq = 5, epoch });
        Assert.True(late.InitAck!["data"]!["recovered"]!.GetValue<bool>(), late.InitAck.ToJsonString());
        var replay = await late.ReceiveManyAsync("console-log", 6);
        Assert.Equal(Enumerable.Range(6, 6).Select(i => (long)i), replay.Select(CrossGatewayTests.Seq));
    }
}
