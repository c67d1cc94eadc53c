using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// The HTTP API's limits: <c>Relay:Api:MaxConcurrentRequestsPerAddress</c> (one more answers 429 with a body saying
/// why) and <c>Relay:Api:MaxResponseBytes</c> (a page ends early with <c>hasMore</c>, and paging on loses nothing).
/// </summary>
public sealed class ApiLimitTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Api_MoreConcurrentRequestsThanAllowed_ExtraAnswers429AtOnce_AndFreedSlotsServeAgain()
    {
        // A token authority that accepts connections and never answers: requests wait in token validation, each
        // holding its slot, for as long as the test wants.
        using var authority = new TcpListener(IPAddress.Loopback, 0);
        authority.Start();
        var accepted = new List<TcpClient>();
        var accepting = AcceptAllAsync(authority, accepted);
        await using var server = await RelayServer.StartAsync(
            "Relay:Api:MaxConcurrentRequestsPerAddress=2",
            $"Relay:Auth:Authority=http://127.0.0.1:{((IPEndPoint)authority.LocalEndpoint).Port}",
            "Relay:Auth:RequireHttpsMetadata=false");
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(50) };
        var session = RelayFixture.NewSession();

        // Two requests take the two slots and wait; of three sent, whichever comes third is refused at once.
        var requests = Enumerable.Range(0, 3).Select(_ => SendAsync(http, session)).ToList();
        var first = await Task.WhenAny(requests).WaitAsync(TimeSpan.FromSeconds(15));
        var (status, body) = await first;
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("Relay:Api:MaxConcurrentRequestsPerAddress", body, StringComparison.Ordinal);
        // Proving that nothing happens: the two admitted requests are still waiting a moment later.
        await Task.Delay(300);
        Assert.Equal(2, requests.Count(r => !r.IsCompleted));

        // The authority goes away: the waiting requests end (401), their slots are free again.
        authority.Stop();
        foreach (var client in accepted)
        {
            client.Dispose();
        }

        await accepting;
        foreach (var waiting in requests.Where(r => r != first))
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await waiting).Status);
        }

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await SendAsync(http, session)).Status);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Events_PageOverMaxResponseBytes_EndsEarlyWithHasMore_AndPagingReturnsEveryEvent()
    {
        await using var server = await RelayServer.StartAsync("Relay:Api:MaxResponseBytes=2048");
        var session = RelayFixture.NewSession();
        await using var reader = await server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await server.ConnectAsync(Endpoints.Extension, session);
        for (var i = 0; i < 10; i++)
        {
            await sender.SendAsync(new { type = "console-log", id = $"e{i}", data = new { message = new string('x', 400), i } });
            await reader.ReceiveTypeAsync("console-log");
        }

        var seen = new List<long>();
        long afterSeq = 0;
        var pages = 0;
        while (true)
        {
            var page = await EventsAsync(server, session, afterSeq);
            pages++;
            var events = page["events"]!.AsArray();
            Assert.NotEmpty(events);
            Assert.True(page.ToJsonString().Length < 2048 + 1024, $"page of {page.ToJsonString().Length} characters");
            seen.AddRange(events.Select(e => e!["seq"]!.GetValue<long>()));
            afterSeq = seen[^1];
            if (!page["hasMore"]!.GetValue<bool>())
            {
                break;
            }
        }

        Assert.True(pages >= 3, $"{pages} pages");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seen);
    }

    private static async Task<JsonObject> EventsAsync(RelayServer server, string session, long afterSeq)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}/events?afterSeq={afterSeq}&limit=100");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayServer.Token(session));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayServer.Token(session));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task AcceptAllAsync(TcpListener listener, List<TcpClient> accepted)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                lock (accepted)
                {
                    accepted.Add(client);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
