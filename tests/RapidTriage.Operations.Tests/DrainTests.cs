using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using RapidTriage.Operations.Tests.Harness;
using RapidTriage.Testing;
using Xunit.Abstractions;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// SIGTERM to a gateway holding 200 receivers while events flow: it closes them with 1012 spread over its drain
/// window, exits, and every receiver recovers on the other gateway with no event lost or repeated.
/// </summary>
public sealed class DrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Sessions = 10;
    private const int ReceiversPerSession = 20;
    private static readonly TimeSpan DrainWindow = TimeSpan.FromSeconds(3);
    private LocalCluster _processes = null!;
    private ClusterNode _stays = null!;
    private ClusterNode _drains = null!;
    private ClusterNode _silo = null!;

    public async Task InitializeAsync()
    {
        _processes = await LocalCluster.StartOnOwnStorageAsync(TestLogs.Directory(nameof(DrainTests)));
        _silo = _processes.StartSilo("silo");
        await _silo.WaitReadyAsync();
        _stays = _processes.StartGateway("gateway-stays");
        _drains = _processes.StartGateway("gateway-drains", $"--Relay:DrainWindow={DrainWindow}");
        await Task.WhenAll(_stays.WaitReadyAsync(), _drains.WaitReadyAsync());
    }

    public async Task DisposeAsync() => await _processes.DisposeAsync();

    [Fact(Timeout = 150_000)]
    public async Task Gateway_Sigterm_With200Receivers_ClosesThemWith1012OverTheWindow_AndAllRecoverOnTheOtherWithNoLoss()
    {
        var sessions = Enumerable.Range(0, Sessions).Select(i => $"drain-{i}-{Guid.NewGuid().ToString("N")[..6]}").ToArray();
        var clients = sessions
            .SelectMany(s => Enumerable.Range(0, ReceiversPerSession).Select(_ => new DrainClient(
                s, _drains.WebSocket($"/mcp-ws?sessionId={s}"), _stays.WebSocket($"/mcp-ws?sessionId={s}"))))
            .ToList();
        using var stopReceiving = new CancellationTokenSource();
        using var stopProducing = new CancellationTokenSource();
        var running = new List<Task>();
        foreach (var batch in clients.Chunk(25))
        {
            running.AddRange(batch.Select(c => c.RunAsync(stopReceiving.Token)));
            await Task.WhenAll(batch.Select(c => c.Connected));
        }

        // One producer per session on the gateway that stays, sending all through the drain.
        var producers = sessions.Select(s => ProduceAsync(_stays.WebSocket($"/extension-ws?sessionId={s}"), stopProducing.Token)).ToList();
        await Eventually.TrueAsync(() => clients.All(c => c.Seqs.Count > 0), TimeSpan.FromSeconds(20), "events reach every receiver before the drain");

        var sigterm = Stopwatch.GetTimestamp();
        await _drains.Process.StopAsync(DrainWindow + TimeSpan.FromSeconds(20));
        var exitedAfter = Stopwatch.GetElapsedTime(sigterm);
        // Producers go on for a second after the gateway is gone: recovered receivers must get those events too.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stopProducing.CancelAsync();
        var sent = await Task.WhenAll(producers);

        // Every receiver must now hold exactly 1..sent of its session, each once, in order.
        var expected = sessions.Select((s, i) => (s, sent[i])).ToDictionary(p => p.s, p => p.Item2);
        await Eventually.LatestAsync(() => Task.FromResult(clients.All(c => c.Seqs.Count >= expected[c.SessionId])), static all => all, TimeSpan.FromSeconds(20));

        output.WriteLine($"gateway exited {exitedAfter.TotalSeconds:F1} s after SIGTERM; events per session: {string.Join(", ", sent)}");
        var closes = clients.Select(c => c.FirstClose).ToList();
        Assert.All(closes, c => Assert.Equal((WebSocketCloseStatus)1012, c?.Status));
        var times = closes.Select(c => Stopwatch.GetElapsedTime(sigterm, c!.Value.At)).OrderBy(t => t).ToList();
        output.WriteLine($"closes from {times[0].TotalSeconds:F2} s to {times[^1].TotalSeconds:F2} s after SIGTERM");
        Assert.True(times[^1] - times[0] >= DrainWindow * 0.6, $"closes spread over {(times[^1] - times[0]).TotalSeconds:F2} s, not the {DrainWindow.TotalSeconds} s window");
        Assert.True(times.Count(t => t < DrainWindow / 2) is > 50 and < 150, "about half the sockets close in the first half of the window");
        Assert.True(exitedAfter < DrainWindow + TimeSpan.FromSeconds(10), $"exited {exitedAfter.TotalSeconds:F1} s after SIGTERM");

        Assert.All(clients, c => Assert.True(c.RecoveryAck?["data"]?["recovered"]?.GetValue<bool>() == true, c.RecoveryAck?.ToJsonString() ?? "no recovery ack"));
        Assert.All(sent, n => Assert.True(n >= 20, $"only {n} events were sent in a session"));
        var incomplete = clients.Where(c => !c.Seqs.SequenceEqual(Enumerable.Range(1, expected[c.SessionId]).Select(i => (long)i))).ToList();
        if (incomplete.Count > 0)
        {
            var histories = await Task.WhenAll(incomplete.Select(c => c.SessionId).Distinct().Select(HistoryAsync));
            Assert.Fail($"{incomplete.Count} receivers lost or repeated events:\n{string.Join('\n', incomplete.Take(10))}\nhistories: {string.Join("; ", histories)}");
        }

        // The silo's own metrics saw the sessions it hosts and their fan-out.
        var silo = await _silo.ScrapeAsync();
        Assert.Equal(Sessions, silo.Value("relay_sessions_active"));
        Assert.True(silo.Value("relay_history_bytes") > 0);
        Assert.True(silo.Value("relay_fanout_duration_seconds_count") > 0);

        await stopReceiving.CancelAsync();
        await Task.WhenAll(running);
    }

    private async Task<string> HistoryAsync(string session)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _stays.Http($"/api/sessions/{session}/events?afterSeq=0&limit=1000"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RapidTriage.Testing.RelayServer.Token(session));
        using var response = await http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return $"{session} lastSeq {body.GetProperty("lastSeq")}, {body.GetProperty("events").GetArrayLength()} events kept";
    }

    /// <summary>Sends a <c>console-log</c> every 50 ms until stopped; returns how many were sent.</summary>
    private static async Task<int> ProduceAsync(Uri uri, CancellationToken stop)
    {
        await using var client = await TestClient.ConnectAsync(uri, cancellationToken: CancellationToken.None);
        var reading = FirstErrorAsync(client);
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            await client.SendAsync(new { type = "console-log", id = $"e{sent + 1}", data = new { n = sent + 1 } });
            sent++;
            try
            {
                // The producer's pace: a steady stream through the drain, not a wait for the relay.
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await client.CloseOutputAsync("done");
        Assert.Null(await reading.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        return sent;
    }

    /// <summary>Reads what the producer is sent (acks, presence) until the close; returns the first error frame, if any.</summary>
    private static async Task<string?> FirstErrorAsync(TestClient client)
    {
        string? error = null;
        try
        {
            while (await client.ReceiveTextAsync(Timeout.InfiniteTimeSpan) is { } text)
            {
                if (error is null && text.Contains("\"type\":\"error\"", StringComparison.Ordinal))
                {
                    error = text;
                }
            }
        }
        catch (WebSocketException)
        {
        }

        return error;
    }
}
