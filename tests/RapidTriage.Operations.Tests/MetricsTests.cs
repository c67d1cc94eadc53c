using RapidTriage.Operations.Tests.Harness;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// A scripted session against a gateway process (local mode, embedded silo), then <c>/metrics</c>: every relay
/// counter moved by exactly the traffic the script sent and received, no more, no less.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly LocalCluster _processes = new(TestLogs.Directory(nameof(MetricsTests)));
    private ClusterNode _gateway = null!;

    public async Task InitializeAsync()
    {
        // Burst 20 and a trickle of refill: the 21st message of a connection is rate-limited, deterministically.
        _gateway = _processes.StartLocalGateway("gateway", "--Relay:RateLimit:Burst=20", "--Relay:RateLimit:PermitsPerSecond=0.01");
        await _gateway.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await _processes.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task Metrics_AfterScriptedSession_CountExactlyTheTrafficSent()
    {
        var before = await _gateway.ScrapeAsync();
        var session = "m-" + Guid.NewGuid().ToString("N")[..8];
        var other = "m-" + Guid.NewGuid().ToString("N")[..8];

        var extension = await TestClient.ConnectAsync(_gateway.WebSocket($"/extension-ws?sessionId={session}"));
        var mcp = await TestClient.ConnectAsync(_gateway.WebSocket($"/mcp-ws?sessionId={session}"));
        await extension.ReceiveTypeAsync("member-joined");

        for (var i = 0; i < 3; i++)
        {
            await extension.SendAsync(new { type = "console-log", id = $"log{i}", data = new { message = i } });
        }

        await extension.SendAsync(new { type = "network-request", id = "net0", data = new { url = "https://example.test/a" } });
        await extension.SendAsync(new { type = "network-request", id = "net1", data = new { url = "https://example.test/b" } });
        await extension.SendAsync(new { type = "made-up-type", id = "odd0", data = new { } });
        await extension.SendTextAsync("this is not JSON");
        var error = await extension.ReceiveTypeAsync("error");
        Assert.Equal("invalid-message", error["data"]!["code"]!.GetValue<string>());
        foreach (var id in new[] { "log0", "log1", "log2", "net0", "net1", "odd0" })
        {
            var received = await mcp.ReceiveAsync();
            Assert.Equal(id, received["id"]!.GetValue<string>());
        }

        await mcp.SendAsync(new { type = "heartbeat", id = "hb" });
        await mcp.ReceiveTypeAsync("heartbeat");

        // A tunnel in another session floods: 20 heartbeats are answered, 5 more are refused.
        var flooder = await TestClient.ConnectAsync(_gateway.WebSocket($"/tunnel/{other}"),
            o => o.SetRequestHeader("Authorization", "Bearer " + RelayServer.Token(other)));
        for (var i = 0; i < 25; i++)
        {
            await flooder.SendAsync(new { type = "heartbeat", id = $"f{i}" });
        }

        var answers = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            var frame = await flooder.ReceiveAsync();
            answers.Add(frame["type"]!.GetValue<string>() == "error" ? frame["data"]!["code"]!.GetValue<string>() : frame["type"]!.GetValue<string>());
        }

        Assert.Equal(20, answers.Count(a => a == "heartbeat"));
        Assert.Equal(5, answers.Count(a => a == "rate-limited"));

        var open = await EventuallyAsync(s => s.Value("relay_connections_open") == 3);
        Assert.Equal(1, open.Value("relay_connections_open", ("role", "extension")));
        Assert.Equal(1, open.Value("relay_connections_open", ("role", "mcp")));
        Assert.Equal(1, open.Value("relay_connections_open", ("role", "tunnel")));
        Assert.Equal(2, open.Value("relay_sessions_active") - before.Value("relay_sessions_active"));
        Assert.True(open.Value("relay_history_bytes") > 0, "history bytes");
        Assert.True(open.Value("relay_fanout_duration_seconds_count") > 0, "fan-out latency histogram");

        await mcp.DisposeAsync();
        await extension.ReceiveTypeAsync("member-left");
        await flooder.DisposeAsync();
        await extension.DisposeAsync();

        var after = await EventuallyAsync(s => s.Value("relay_closes_total") - before.Value("relay_closes_total") == 3
            && s.Value("relay_messages_sent_total") - before.Value("relay_messages_sent_total") == 38);
        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);

        Assert.Equal(0, after.Value("relay_connections_open"));
        Assert.Equal(3, Delta("relay_closes_total", ("code", "1000")));

        Assert.Equal(3, Delta("relay_messages_received_total", ("type", "console-log")));
        Assert.Equal(2, Delta("relay_messages_received_total", ("type", "network-request")));
        Assert.Equal(1, Delta("relay_messages_received_total", ("type", "other")));
        Assert.Equal(21, Delta("relay_messages_received_total", ("type", "heartbeat")));
        Assert.Equal(27, Delta("relay_messages_received_total"));

        Assert.Equal(3, Delta("relay_messages_sent_total", ("type", "connection-ack")));
        Assert.Equal(1, Delta("relay_messages_sent_total", ("type", "member-joined")));
        Assert.Equal(1, Delta("relay_messages_sent_total", ("type", "member-left")));
        Assert.Equal(3, Delta("relay_messages_sent_total", ("type", "console-log")));
        Assert.Equal(2, Delta("relay_messages_sent_total", ("type", "network-request")));
        Assert.Equal(1, Delta("relay_messages_sent_total", ("type", "other")));
        Assert.Equal(6, Delta("relay_messages_sent_total", ("type", "error")));
        Assert.Equal(21, Delta("relay_messages_sent_total", ("type", "heartbeat")));
        Assert.Equal(38, Delta("relay_messages_sent_total"));

        Assert.Equal(1, Delta("relay_errors_total", ("code", "invalid-message")));
        Assert.Equal(5, Delta("relay_errors_total", ("code", "rate-limited")));
        Assert.Equal(6, Delta("relay_errors_total"));
        Assert.Equal(5, Delta("relay_rate_limited_total"));

        // Types stay a closed set: what a client invents is "other", never a new series.
        Assert.DoesNotContain("made-up-type", after.LabelValues("relay_messages_received_total", "type"));
        Assert.True(after.Names.Any(n => n.StartsWith("orleans_", StringComparison.Ordinal)), "Orleans' own meters are exported");
        Assert.True(after.Has("relay_send_queue_bytes"), "send-queue depth is exported");
    }

    [Fact(Timeout = 60_000)]
    public async Task Metrics_BeforeAnyTraffic_ErrorCloseAndRateLimitSeriesAreExportedAtZero()
    {
        var scrape = await _gateway.ScrapeAsync();

        foreach (var code in new[] { "invalid-message", "rate-limited", "forbidden", "unavailable", "other" })
        {
            Assert.True(scrape.LabelValues("relay_errors_total", "code").Contains(code), $"relay_errors_total{{code=\"{code}\"}} is missing:\n{scrape.Text}");
        }

        Assert.Contains("1000", scrape.LabelValues("relay_closes_total", "code"));
        Assert.Contains("4108", scrape.LabelValues("relay_closes_total", "code"));
        Assert.True(scrape.Has("relay_rate_limited_total"), "relay_rate_limited_total is missing");
        Assert.True(scrape.Has("relay_handshakes_refused_total"), "relay_handshakes_refused_total is missing");
        Assert.Equal(0, scrape.Value("relay_errors_total"));
        Assert.Equal(0, scrape.Value("relay_closes_total"));
        Assert.Equal(0, scrape.Value("relay_rate_limited_total"));
        Assert.Equal(0, scrape.Value("relay_handshakes_refused_total"));
    }

    private Task<Scrape> EventuallyAsync(Func<Scrape, bool> condition) =>
        Eventually.LatestAsync(_gateway.ScrapeAsync, condition, TimeSpan.FromSeconds(10));
}
