using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 5 over real sockets: a replay and the init hold are a cursor over history, so neither depends
/// on the send-queue size, and <c>"recovered": true</c> is only said when every missed event follows.
/// </summary>
public sealed class ReplayCursorTests : IAsyncLifetime
{
    private const int EventBytes = 4096;
    private static readonly string Padding = new('x', EventBytes);
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(
        "Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000", "Relay:InitGracePeriod=00:00:01");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Reconnect_GapLargerThanTheSendQueue_ReplayedWholeThenLive()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await _server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        var consumer = await _server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        var epoch = consumer.Ack["data"]!["epoch"]!.GetValue<string>();
        await producer.SendAsync(Event(0));
        var lastSeq = (await consumer.ReceiveTypeAsync("console-log"))["seq"]!.GetValue<long>();
        await consumer.DisposeAsync();

        // 600 events of 4 KiB: 2.4 MiB missed, more than twice the default 1 MiB send queue.
        const int Count = 600;
        for (var i = 1; i <= Count; i++)
        {
            await producer.SendAsync(Event(i));
        }

        await HistoryApi.WaitForLastSeqAsync(_server, session, lastSeq + Count);
        await using var back = await _server.ConnectAsync(Endpoints.Mcp, session);
        await back.SendAsync(new { type = "connection-init", data = new { clientType = "consumer", lastSeq, epoch } });
        var ack = await back.ReceiveTypeAsync("connection-ack");
        Assert.True(ack["data"]!["recovered"]!.GetValue<bool>(), ack.ToJsonString());

        var replay = await ReceiveSeqsAsync(back, Count);
        Assert.Equal(Enumerable.Range(1, Count).Select(i => lastSeq + i), replay);
        await producer.SendAsync(Event(Count + 1));
        Assert.Equal(lastSeq + Count + 1, (await back.ReceiveTypeAsync("console-log"))["seq"]!.GetValue<long>());
        Assert.Null(back.CloseStatus);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task NoInit_MoreThanTheSendQueueArrivesDuringGrace_NotClosedAndGetsEveryEvent()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await _server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });

        // Like wscat: connects and never sends connection-init.
        await using var quiet = await _server.ConnectAsync(Endpoints.Mcp, session);
        var first = quiet.Ack["data"]!["lastSeq"]!.GetValue<long>();

        // 400 events of 4 KiB (1.6 MiB) inside the 1 s grace period.
        const int Count = 400;
        var sending = Task.Run(async () =>
        {
            for (var i = 1; i <= Count; i++)
            {
                await producer.SendAsync(Event(i));
            }
        });

        var seqs = await ReceiveSeqsAsync(quiet, Count);
        await sending;
        Assert.Equal(Enumerable.Range(1, Count).Select(i => first + i), seqs);
        Assert.Equal("alive", (await quiet.HeartbeatAsync())["data"]!["status"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Reconnect_ClearLogsInsideTheGap_NotRecoveredBecauseCleared()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await _server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        await using var clearer = await _server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "clearer" });
        var consumer = await _server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        var epoch = consumer.Ack["data"]!["epoch"]!.GetValue<string>();
        await producer.SendAsync(Event(0));
        var lastSeq = (await consumer.ReceiveTypeAsync("console-log"))["seq"]!.GetValue<long>();
        await consumer.DisposeAsync();

        await producer.SendAsync(Event(1));
        await producer.SendAsync(Event(2));
        await HistoryApi.WaitForLastSeqAsync(_server, session, lastSeq + 2);
        await clearer.SendAsync(new { type = "clear-logs", id = "wipe" });
        await clearer.ReceiveTypeAsync("clear-logs-ack");
        await producer.SendAsync(Event(3));
        await HistoryApi.WaitForLastSeqAsync(_server, session, lastSeq + 3);

        await using var back = await _server.ConnectAsync(Endpoints.Mcp, session);
        await back.SendAsync(new { type = "connection-init", data = new { clientType = "consumer", lastSeq, epoch } });
        var ack = await back.ReceiveTypeAsync("connection-ack");

        Assert.False(ack["data"]!["recovered"]!.GetValue<bool>(), ack.ToJsonString());
        Assert.Equal("cleared", ack.DataString("reason"));
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Reconnect_GapAfterAClearLogs_StillRecovered()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await _server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        await using var clearer = await _server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "clearer" });
        await producer.SendAsync(Event(0));
        await clearer.SendAsync(new { type = "clear-logs", id = "wipe" });
        await clearer.ReceiveTypeAsync("clear-logs-ack");

        var consumer = await _server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        var epoch = consumer.Ack["data"]!["epoch"]!.GetValue<string>();
        await producer.SendAsync(Event(1));
        var lastSeq = (await consumer.ReceiveTypeAsync("console-log"))["seq"]!.GetValue<long>();
        await consumer.DisposeAsync();
        await producer.SendAsync(Event(2));
        await HistoryApi.WaitForLastSeqAsync(_server, session, lastSeq + 1);

        await using var back = await _server.ConnectAsync(Endpoints.Mcp, session);
        await back.SendAsync(new { type = "connection-init", data = new { clientType = "consumer", lastSeq, epoch } });
        var ack = await back.ReceiveTypeAsync("connection-ack");

        Assert.True(ack["data"]!["recovered"]!.GetValue<bool>(), ack.ToJsonString());
        Assert.Equal([lastSeq + 1], await ReceiveSeqsAsync(back, 1));
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Reconnect_GraceShorterThanInitCall_RecoveredOnlyWithEveryMissedEvent()
    {
        // A grace period far shorter than a session call: it runs out while connection-init's call is in flight.
        await using var server = await RelayServer.StartAsync(
            "Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000", "Relay:InitGracePeriod=00:00:00.001");
        var session = RelayFixture.NewSession();
        await using var producer = await server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        await using var probe = await server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "probe" });
        var epoch = probe.Ack["data"]!["epoch"]!.GetValue<string>();

        using var stop = new CancellationTokenSource();
        var next = 0;
        var sending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await producer.SendAsync(Event(Interlocked.Increment(ref next)));
                // Paced: a producer that keeps sending while the reader pages, not one burst.
                await Task.Delay(1);
            }
        });

        try
        {
            var recoveredCount = 0;
            for (var attempt = 0; attempt < 8; attempt++)
            {
                var lastSeq = (await probe.ReceiveTypeAsync("console-log"))["seq"]!.GetValue<long>();
                await using var back = await server.ConnectAsync(Endpoints.Mcp, session);
                await back.SendAsync(new { type = "connection-init", data = new { clientType = "consumer", lastSeq, epoch } });
                var ack = await back.ReceiveTypeAsync("connection-ack");
                if (!ack["data"]!["recovered"]!.GetValue<bool>())
                {
                    Assert.Equal("late-init", ack.DataString("reason")?.Split(':')[0]);
                    continue;
                }

                recoveredCount++;
                var seqs = await ReceiveSeqsAsync(back, 30);
                Assert.Equal(Enumerable.Range(1, 30).Select(i => lastSeq + i), seqs);
            }

            Assert.True(recoveredCount > 0, "no reconnect was recovered");
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
        }
    }

    private static object Event(int i) =>
        new { type = "console-log", id = $"e{i}", data = new { level = "info", message = $"event {i}", padding = Padding } };

    private static async Task<List<long>> ReceiveSeqsAsync(TestClient client, int count)
    {
        var seqs = new List<long>(count);
        while (seqs.Count < count)
        {
            var frame = await client.ReceiveAsync(TimeSpan.FromSeconds(20));
            if (frame.Type() == "console-log")
            {
                seqs.Add(frame["seq"]!.GetValue<long>());
            }
        }

        return seqs;
    }
}

/// <summary>Reads a session's history over HTTP, as any client may.</summary>
internal static class HistoryApi
{
    public static async Task<JsonNode> PageAsync(RelayServer server, string session, string query)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", RelayServer.Token(session));
        return JsonNode.Parse(await http.GetStringAsync($"api/sessions/{session}/events?{query}"))!;
    }

    public static Task WaitForLastSeqAsync(RelayServer server, string session, long seq) =>
        Eventually.TrueAsync(async () => (await PageAsync(server, session, "limit=1"))["lastSeq"]!.GetValue<long>() >= seq,
            TimeSpan.FromSeconds(10), $"session {session} reaches seq {seq}");
}
