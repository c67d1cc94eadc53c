using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace RapidTriage.Cluster.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class SiloFailureTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// Kill -9 to traffic flowing again, measured: about 2-4 s for the cluster to declare the silo dead (1 s
    /// probes here), then one renewal (1 s) or one publish, then the clients' reconnect.
    /// </summary>
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 120_000)]
    public async Task SiloHoldingSession_Killed_TrafficResumesWithinBound_AndNoClientIsToldRecoveredAfterMissingEvents()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var session = Sessions.New();
        var receiver = await Peer.McpAsync(cluster, 1, session);
        var sender = await Peer.ExtensionAsync(cluster, 0, session);
        try
        {
            for (var i = 1; i <= 10; i++)
            {
                await sender.SendAsync(new { type = "console-log", id = $"e{i}", data = new { i } });
            }

            var before = await receiver.ReceiveManyAsync("console-log", 10);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), before.Select(CrossGatewayTests.Seq));
            var epoch = receiver.Epoch;

            // Past the write-behind interval (250 ms here, four times over): these ten are in storage. Two more may or
            // may not be when the silo dies. A flush has no signal outside the silo to await, so this one waits.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await sender.SendAsync(new { type = "console-log", id = "e11", data = new { i = 11 } });
            await sender.SendAsync(new { type = "console-log", id = "e12", data = new { i = 12 } });
            await receiver.ReceiveManyAsync("console-log", 2);

            var victim = cluster.SiloHosting(session);
            cluster.Silo(victim).Kill();
            var clock = Stopwatch.StartNew();
            output.WriteLine($"killed silo{victim} holding {session}");

            var recoveries = new List<JsonObject>();
            JsonObject? probe = null;
            for (var n = 1; probe is null && clock.Elapsed < ResumeBound; n++)
            {
                if (sender.IsClosed)
                {
                    await sender.DisposeAsync();
                    sender = await Peer.ExtensionAsync(cluster, 0, session);
                }

                await sender.SendAsync(new { type = "console-log", id = $"p{n}", data = new { probe = n } });
                if (receiver.IsClosed)
                {
                    output.WriteLine($"receiver closed with {receiver.CloseStatus} at {clock.Elapsed}");
                    var (lastSeq, lastEpoch) = (receiver.LastSeq, receiver.Epoch);
                    await receiver.DisposeAsync();
                    receiver = await Peer.McpAsync(cluster, 0, session, new { clientType = "mcp-server", lastSeq, epoch = lastEpoch });
                    recoveries.Add(receiver.InitAck!);
                }

                probe = await ReceiveProbeAsync(receiver, TimeSpan.FromMilliseconds(300));
            }

            Assert.True(probe is not null, $"No event got through within {ResumeBound} of the kill.\n{cluster.Logs()}");
            output.WriteLine($"traffic resumed {clock.Elapsed.TotalSeconds:F1} s after the kill; recoveries: {string.Join(" | ", recoveries.Select(r => r["data"]!.ToJsonString()))}");

            // The silo died between flushes for all the session knows: a new epoch, so no old lastSeq recovers.
            Assert.NotEqual(epoch, receiver.Epoch);
            Assert.All(recoveries, ack =>
            {
                Assert.False(ack["data"]!["recovered"]!.GetValue<bool>());
                Assert.Equal("epoch-mismatch", ack["data"]!["reason"]!.GetValue<string>());
            });

            // What was flushed before the kill kept its seq and payload.
            var history = await SessionApiClient.EventsAsync(cluster, 0, session);
            var stored = history["events"]!.AsArray().Select(e => e!.AsObject()).Where(e => CrossGatewayTests.Seq(e) <= 10).ToList();
            Assert.Equal(Enumerable.Range(1, 10).Select(i => $"e{i}"), stored.Select(CrossGatewayTests.Id));
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), stored.Select(CrossGatewayTests.Seq));
            Assert.True(history["lastSeq"]!.GetValue<long>() >= 10);
        }
        finally
        {
            await sender.DisposeAsync();
            await receiver.DisposeAsync();
        }
    }

    private static async Task<JsonObject?> ReceiveProbeAsync(Peer peer, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            var frame = await peer.ReceiveAsync(deadline - DateTime.UtcNow);
            if (frame is null)
            {
                return null;
            }

            if (frame["type"]?.GetValue<string>() == "console-log" && frame["id"]!.GetValue<string>().StartsWith('p'))
            {
                return frame;
            }
        }

        return null;
    }
}
