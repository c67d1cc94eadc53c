using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 5: history-request and GET /api/sessions/{id}/events agree, page, and honour clear-logs.</summary>
public sealed class HistoryTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(
        "Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000", "Relay:History:PerType=20");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task HistoryRequest_AndHttpEndpoint_ReturnTheSameEvents()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Producer(session);
        await SendMixed(producer, 10);
        using var http = Http(session);

        var overWs = await Request(producer, new { types = new[] { "console-error" }, afterSeq = 0, limit = 100 });
        var overHttp = JsonNode.Parse(await http.GetStringAsync($"api/sessions/{session}/events?type=console-error&afterSeq=0&limit=100"))!;

        Assert.Equal(5, overWs["events"]!.AsArray().Count);
        Assert.Equal(overWs["events"]!.ToJsonString(), overHttp["events"]!.ToJsonString());
        Assert.Equal(10, overHttp["lastSeq"]!.GetValue<long>());
        Assert.All(overWs["events"]!.AsArray(), e => Assert.Equal("console-error", e!["type"]!.GetValue<string>()));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task History_PagesWithAfterSeqAndLimit_InSeqOrder()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Producer(session);
        await SendMixed(producer, 10);
        using var http = Http(session);

        var seqs = new List<long>();
        long after = 0;
        while (true)
        {
            var page = JsonNode.Parse(await http.GetStringAsync($"api/sessions/{session}/events?afterSeq={after}&limit=3"))!;
            var events = page["events"]!.AsArray();
            seqs.AddRange(events.Select(e => e!["seq"]!.GetValue<long>()));
            if (!page["hasMore"]!.GetValue<bool>())
            {
                break;
            }

            Assert.Equal(3, events.Count);
            after = events[^1]!["seq"]!.GetValue<long>();
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seqs);
        var viaWs = await Request(producer, new { afterSeq = 4, limit = 2 });
        Assert.Equal([5L, 6L], viaWs["events"]!.AsArray().Select(e => e!["seq"]!.GetValue<long>()));
        Assert.True(viaWs["hasMore"]!.GetValue<bool>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task History_KeepsOnlyTheNewestPerType()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Producer(session);
        for (var i = 1; i <= 30; i++)
        {
            await producer.SendAsync(new { type = "console-log", id = $"l{i}", data = new { message = i } });
        }

        await producer.SendAsync(new { type = "page-navigated", id = "nav", data = new { url = "https://example.com" } });
        var page = await Request(producer, new { limit = 1000 });

        var ids = page["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Range(11, 20).Select(i => $"l{i}").Append("nav"), ids);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ClearLogs_EmptiesHistory_ForBothReadPaths()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Producer(session);
        await using var mcp = await TestClient.ConnectInitializedAsync(_server.WebSocketUri($"/mcp-ws?sessionId={session}"), new { clientType = "ai" });
        await SendMixed(producer, 6);
        using var http = Http(session);
        Assert.Equal(6, (await Request(mcp, new { limit = 100 }))["events"]!.AsArray().Count);

        await mcp.SendAsync(new { type = "clear-logs", id = "clr" });
        var ack = await mcp.ReceiveTypeAsync("clear-logs-ack");
        Assert.Equal("clr", ack["id"]!.GetValue<string>());

        Assert.Empty((await Request(mcp, new { limit = 100 }))["events"]!.AsArray());
        var overHttp = JsonNode.Parse(await http.GetStringAsync($"api/sessions/{session}/events"))!;
        Assert.Empty(overHttp["events"]!.AsArray());
        Assert.Equal(6, overHttp["lastSeq"]!.GetValue<long>());

        await producer.SendAsync(new { type = "console-log", id = "after", data = new { message = "after clear" } });
        // Earlier events arrive first; the live "after" shows the session has stored it.
        JsonObject live;
        do
        {
            live = await mcp.ReceiveTypeAsync("console-log");
        }
        while (live["id"]!.GetValue<string>() != "after");

        var next = await Request(mcp, new { limit = 100 });
        Assert.Equal(["after"], next["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
        Assert.Equal(7, next["events"]![0]!["seq"]!.GetValue<long>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task EventsEndpoint_RefusesMissingOrForeignTokens()
    {
        var session = RelayFixture.NewSession();
        using var anonymous = new HttpClient { BaseAddress = _server.BaseUri };
        using var foreign = Http("someone-else");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"api/sessions/{session}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await foreign.GetAsync($"api/sessions/{session}/events")).StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task IdleSession_ReleasedFromMemory_KeepsHistoryAndEpoch()
    {
        var session = RelayFixture.NewSession();
        string epoch;
        await using (var producer = await Producer(session))
        {
            epoch = producer.Ack["data"]!["epoch"]!.GetValue<string>();
            await SendMixed(producer, 4);
            await Request(producer, new { limit = 1 });
        }

        // What the idle timeout does (Relay:SessionIdleTimeout), forced now: every idle activation goes.
        var management = _server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        // Idle for longer than the 100 ms age given to the collection below: the idle time is the behaviour.
        await Task.Delay(300);
        Assert.True(await SessionActivations(management) > 0);
        await management.ForceActivationCollection(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, await SessionActivations(management));

        await using var back = await TestClient.ConnectAsync(_server.WebSocketUri($"/mcp-ws?sessionId={session}"));
        Assert.Equal(epoch, back.Ack["data"]!["epoch"]!.GetValue<string>());
        Assert.Equal(4, back.Ack["data"]!["lastSeq"]!.GetValue<long>());
        Assert.Equal(4, (await Request(back, new { limit = 100 }))["events"]!.AsArray().Count);
    }

    private static async Task<int> SessionActivations(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("SessionGrain", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    private async Task<TestClient> Producer(string session) =>
        await TestClient.ConnectInitializedAsync(_server.WebSocketUri($"/extension-ws?sessionId={session}"), new { clientType = "producer" });

    private HttpClient Http(string tokenSession)
    {
        var http = new HttpClient { BaseAddress = _server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", RelayServer.Token(tokenSession));
        return http;
    }

    /// <summary>Sends alternating console-log / console-error events and waits until the session has them all.</summary>
    private static async Task SendMixed(TestClient producer, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await producer.SendAsync(new { type = i % 2 == 0 ? "console-error" : "console-log", id = $"m{i}", data = new { message = i } });
        }

        await Eventually.TrueAsync(async () => (await Request(producer, new { limit = 1 }))["lastSeq"]!.GetValue<long>() >= count,
            TimeSpan.FromSeconds(10), "every event sent is in history");
    }

    private static async Task<JsonObject> Request(TestClient client, object data)
    {
        var id = "h" + Guid.NewGuid().ToString("N")[..8];
        await client.SendAsync(new { type = "history-request", id, data });
        while (true)
        {
            var response = await client.ReceiveTypeAsync("history-response");
            if (response["id"]!.GetValue<string>() == id)
            {
                return response["data"]!.AsObject();
            }
        }
    }
}
