using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 5: reconnecting with lastSeq replays exactly what was missed.</summary>
public sealed class RecoveryTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(
        "Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000", "Relay:History:PerType=1000",
        "Relay:InitGracePeriod=00:00:05");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Reconnect_WithLastSeq_ReplaysExactlyTheMissedEventsThenLive()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Connect("/extension-ws", session, new { clientType = "producer" });
        var consumer = await Connect("/mcp-ws", session, new { clientType = "consumer" });
        var epoch = consumer.Ack["data"]!["epoch"]!.GetValue<string>();

        await producer.SendAsync(Event(0));
        var seen = await consumer.ReceiveTypeAsync("console-log");
        var lastSeq = seen["seq"]!.GetValue<long>();
        await consumer.DisposeAsync();

        for (var i = 1; i <= 500; i++)
        {
            await producer.SendAsync(Event(i));
        }

        await WaitForLastSeq(session, lastSeq + 500);
        await using var back = await TestClient.ConnectAsync(_server.WebSocketUri($"/mcp-ws?sessionId={session}"));
        await back.SendAsync(new { type = "connection-init", data = new { clientType = "consumer", lastSeq, epoch } });
        var ack = await back.ReceiveTypeAsync("connection-ack");
        Assert.True(ack["data"]!["recovered"]!.GetValue<bool>(), ack.ToJsonString());
        Assert.Equal(epoch, ack["data"]!["epoch"]!.GetValue<string>());

        var replay = await ReceiveEvents(back, 500);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => lastSeq + i), replay.Select(e => e["seq"]!.GetValue<long>()));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"e{i}"), replay.Select(e => e["id"]!.GetValue<string>()));

        await producer.SendAsync(Event(501));
        var live = await back.ReceiveTypeAsync("console-log");
        Assert.Equal(lastSeq + 501, live["seq"]!.GetValue<long>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Reconnect_WhileProducerKeepsSending_HasNoGapAndNoDuplicate()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Connect("/extension-ws", session, new { clientType = "producer" });
        var consumer = await Connect("/mcp-ws", session, new { clientType = "consumer" });
        var epoch = consumer.Ack["data"]!["epoch"]!.GetValue<string>();
        await producer.SendAsync(Event(0));
        var lastSeq = (await consumer.ReceiveTypeAsync("console-log"))["seq"]!.GetValue<long>();
        await consumer.DisposeAsync();

        const int Total = 600;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var sent = 0;
        var sending = Task.Run(async () =>
        {
            for (var i = 1; i <= Total; i++)
            {
                await producer.SendAsync(Event(i));
                Volatile.Write(ref sent, i);
                if (i % 50 == 0)
                {
                    // Paced, so that the consumer comes back while the producer is still sending.
                    await Task.Delay(5, stop.Token);
                }
            }
        }, stop.Token);

        await Eventually.TrueAsync(() => Volatile.Read(ref sent) >= 50, TimeSpan.FromSeconds(10), "the producer is sending");
        await using var back = await TestClient.ConnectAsync(_server.WebSocketUri($"/mcp-ws?sessionId={session}"));
        await back.SendAsync(new { type = "connection-init", data = new { clientType = "consumer", lastSeq, epoch } });
        var ack = await back.ReceiveTypeAsync("connection-ack");
        Assert.True(ack["data"]!["recovered"]!.GetValue<bool>(), ack.ToJsonString());
        await sending;

        var events = await ReceiveEvents(back, Total);
        Assert.Equal(Enumerable.Range(1, Total).Select(i => lastSeq + i), events.Select(e => e["seq"]!.GetValue<long>()));
        Assert.Null(await back.TryReceiveAsync(TimeSpan.FromMilliseconds(300), f => f["type"]!.GetValue<string>() != "console-log"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Reconnect_WithStaleEpoch_IsNotRecovered()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Connect("/extension-ws", session, new { clientType = "producer" });
        await producer.SendAsync(Event(1));
        await WaitForLastSeq(session, 1);

        await using var back = await TestClient.ConnectAsync(_server.WebSocketUri($"/mcp-ws?sessionId={session}"));
        await back.SendAsync(new { type = "connection-init", data = new { lastSeq = 0, epoch = "not-the-epoch" } });
        var ack = await back.ReceiveTypeAsync("connection-ack");

        Assert.False(ack["data"]!["recovered"]!.GetValue<bool>());
        Assert.Equal("epoch-mismatch", ack["data"]!["reason"]!.GetValue<string>());
        Assert.Null(await back.TryReceiveAsync(TimeSpan.FromMilliseconds(300), f => f["type"]!.GetValue<string>() != "console-log"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Reconnect_WithLastSeqOlderThanHistory_IsNotRecovered()
    {
        await using var small = await RelayServer.StartAsync(
            "Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000", "Relay:History:PerType=100");
        var session = RelayFixture.NewSession();
        await using var producer = await TestClient.ConnectInitializedAsync(
            small.WebSocketUri($"/extension-ws?sessionId={session}"), new { clientType = "producer" });
        var epoch = producer.Ack["data"]!["epoch"]!.GetValue<string>();
        for (var i = 1; i <= 300; i++)
        {
            await producer.SendAsync(Event(i));
        }

        await WaitForLastSeq(small, session, 300);
        await using var back = await TestClient.ConnectAsync(small.WebSocketUri($"/mcp-ws?sessionId={session}"));
        await back.SendAsync(new { type = "connection-init", data = new { lastSeq = 10, epoch } });
        var ack = await back.ReceiveTypeAsync("connection-ack");

        Assert.False(ack["data"]!["recovered"]!.GetValue<bool>());
        Assert.Equal("history-truncated", ack["data"]!["reason"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Ack_AlwaysCarriesTheSessionEpoch_AndTheSameEpochForEveryMember()
    {
        var session = RelayFixture.NewSession();
        await using var a = await Connect("/extension-ws", session, new { clientType = "a" });
        await using var b = await TestClient.ConnectAsync(_server.WebSocketUri($"/mcp-ws?sessionId={session}"));

        var epoch = a.Ack["data"]!["epoch"]!.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(epoch));
        Assert.Equal(epoch, b.Ack["data"]!["epoch"]!.GetValue<string>());
    }

    private async Task<TestClient> Connect(string path, string session, object init) =>
        await TestClient.ConnectInitializedAsync(_server.WebSocketUri($"{path}?sessionId={session}"), init);

    private static object Event(int i) =>
        new { type = "console-log", id = $"e{i}", data = new { level = "info", message = $"event {i}" } };

    private Task WaitForLastSeq(string session, long seq) => WaitForLastSeq(_server, session, seq);

    private static Task WaitForLastSeq(RelayServer server, string session, long seq) => HistoryApi.WaitForLastSeqAsync(server, session, seq);

    private static async Task<List<JsonObject>> ReceiveEvents(TestClient client, int count)
    {
        var events = new List<JsonObject>();
        while (events.Count < count)
        {
            var frame = await client.ReceiveAsync();
            if (frame["type"]!.GetValue<string>() == "console-log")
            {
                events.Add(frame);
            }
        }

        return events;
    }
}
