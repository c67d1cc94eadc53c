using System.Net.WebSockets;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// Issue 4 / docs/protocol.md section 3: a receiver that stops reading is closed with 4108 once its send queue
/// (Relay:SendQueueBytes) is full, while the sender and the other receivers keep going.
/// </summary>
public sealed class SlowConsumerTests
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ReceiverThatStopsReading_IsClosedWith4108_OthersGetEverything()
    {
        // The slow receiver reads again only once the producer is done, seconds after the relay started closing
        // it; a close timeout shorter than that aborts the socket, and the reset discards the 4108 close frame
        // still waiting behind the unread data.
        await using var server = await RelayServer.StartAsync(
            "Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000", "Relay:CloseTimeout=00:01:00");
        var session = RelayFixture.NewSession();
        await using var fast = await TestClient.ConnectInitializedAsync(server.WebSocketUri($"/mcp-ws?sessionId={session}"), new { clientType = "fast" });
        await using var slow = await TestClient.ConnectInitializedAsync(server.WebSocketUri($"/mcp-ws?sessionId={session}"), new { clientType = "slow" });
        await using var producer = await TestClient.ConnectInitializedAsync(server.WebSocketUri($"/extension-ws?sessionId={session}"), new { clientType = "producer" });

        // 12 MiB in all: far more than loopback socket buffers plus the default 1 MiB queue can hold.
        const int Count = 3000;
        var padding = new string('x', 4096);
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var fastSeqs = new List<long>(Count);
        var fastReader = Task.Run(async () =>
        {
            while (fastSeqs.Count < Count)
            {
                // Only the leading "seq" is read, so this reader keeps pace with the producer.
                var text = await fast.ReceiveTextAsync(TimeSpan.FromSeconds(30)) ?? throw new WebSocketException($"fast receiver closed: {fast.CloseStatus}");
                if (text.StartsWith("{\"seq\":", StringComparison.Ordinal))
                {
                    fastSeqs.Add(long.Parse(text.AsSpan(7, text.IndexOf(',', StringComparison.Ordinal) - 7), System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }, reading.Token);

        // Paced at about 1,000 events (4 MiB) per second: a rate a reading client keeps up with even on a
        // loaded 2-core machine. A producer faster than every reader would (by contract) get every reader
        // closed with 4108.
        for (var i = 0; i < Count; i++)
        {
            await producer.SendAsync(new { type = "console-log", id = $"s{i}", data = new { message = padding } });
            if (i % 10 == 9)
            {
                await Task.Delay(10);
            }
        }

        await fastReader;
        Assert.Equal(Count, fastSeqs.Count);
        Assert.True(fastSeqs.SequenceEqual(fastSeqs.Order().Distinct()), "fast receiver saw events out of order");

        var slowEvents = 0;
        while (true)
        {
            var text = await slow.ReceiveTextAsync(TimeSpan.FromSeconds(30));
            if (text is null)
            {
                break;
            }

            slowEvents += text.Contains("\"console-log\"", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal((WebSocketCloseStatus)4108, slow.CloseStatus);
        Assert.True(slowEvents < Count, $"the slow receiver got all {Count} events: nothing was bounded");

        // The producer was never slowed down or cut off by the slow receiver.
        await producer.SendAsync(new { type = "heartbeat", id = "still-here" });
        Assert.Equal("alive", (await producer.ReceiveTypeAsync("heartbeat"))["data"]!["status"]!.GetValue<string>());
    }
}
