using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 4, order: one sender's events reach every receiver in order, <c>seq</c> in acceptance order.</summary>
[Collection(TunedRelayCollection.Name)]
public sealed class OrderingTests(TunedRelayFixture fixture)
{
    private const int Count = 1000;

    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task ThousandEvents_FromOneSender_ArriveInOrderWithConsecutiveSeq()
    {
        var session = RelayFixture.NewSession();
        await using var mcp = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "mcp" });
        await using var tunnel = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { clientType = "tunnel" });
        await using var sender = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "ext" });
        var receiving = new[] { mcp, tunnel }.Select(r => CollectAsync(r, Count)).ToArray();

        for (var i = 0; i < Count; i++)
        {
            await sender.SendAsync(new { type = i % 2 == 0 ? "console-log" : "network-request", id = $"o-{i}", data = new { i } });
        }

        foreach (var events in await Task.WhenAll(receiving))
        {
            Assert.Equal(Enumerable.Range(0, Count).Select(i => $"o-{i}"), events.Select(e => e.Id()));
            var seqs = events.Select(e => e["seq"]!.GetValue<long>()).ToList();
            Assert.All(seqs.Zip(seqs.Skip(1)), pair => Assert.Equal(pair.First + 1, pair.Second));
        }
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task TwoSenders_Interleaved_EachInOrderAndSameSeqOrderEverywhere()
    {
        const int perSender = 300;
        var session = RelayFixture.NewSession();
        await using var first = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "r1" });
        await using var second = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "r2" });
        await using var a = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "a" });
        await using var b = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { clientType = "b" });
        var receiving = new[] { first, second }.Select(r => CollectAsync(r, 2 * perSender)).ToArray();

        await Task.WhenAll(SendManyAsync(a, "a", perSender), SendManyAsync(b, "b", perSender));

        var views = await Task.WhenAll(receiving);
        foreach (var events in views)
        {
            Assert.Equal(Enumerable.Range(0, perSender).Select(i => $"a-{i}"), events.Select(e => e.Id()).Where(id => id!.StartsWith('a')));
            Assert.Equal(Enumerable.Range(0, perSender).Select(i => $"b-{i}"), events.Select(e => e.Id()).Where(id => id!.StartsWith('b')));
            var seqs = events.Select(e => e["seq"]!.GetValue<long>()).ToList();
            Assert.All(seqs.Zip(seqs.Skip(1)), pair => Assert.True(pair.Second > pair.First));
        }

        Assert.Equal(views[0].Select(e => e.Id()), views[1].Select(e => e.Id()));
    }

    private static async Task SendManyAsync(TestClient sender, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await sender.SendAsync(new { type = "console-log", id = $"{prefix}-{i}", data = new { i } });
        }
    }

    private static async Task<List<JsonObject>> CollectAsync(TestClient receiver, int count)
    {
        var events = new List<JsonObject>(count);
        while (events.Count < count)
        {
            var frame = await receiver.ReceiveAsync(TimeSpan.FromSeconds(20));
            if (frame["seq"] is not null)
            {
                events.Add(frame);
            }
        }

        return events;
    }
}
