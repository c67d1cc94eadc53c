using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>
/// A page opened with no token: in local mode it gets a short-lived one from the relay (same-origin, loopback
/// only); in hosted mode it says the link needs one.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class LocalAuthTests(ViewerFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_LocalModeWithoutToken_MintsItsOwnTokenAndGoesLive()
    {
        var session = ViewerFixture.NewSession("local");
        await using var extension = await ScriptedExtension.ConnectAsync(fixture.Relay, session);
        await extension.PublishAsync("console-log", new { level = "info", message = "hello from local" });
        await using var viewer = await fixture.Chromium.NewPageAsync();

        await viewer.OpenAsync(fixture.Relay.BaseUri, session, token: null);

        await viewer.WaitLiveAsync();
        await Assertions.Expect(viewer.Rows.Filter(new() { HasText = "hello from local" })).ToHaveCountAsync(1);
        await Assertions.Expect(viewer.Page.Locator("#roster")).ToContainTextAsync("chrome-extension");
        viewer.AssertNoProblems();
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task LocalToken_SameOriginRequest_MintsTokenForThatSessionOnly()
    {
        var relay = fixture.Relay;
        var session = ViewerFixture.NewSession("mint");
        using var http = new HttpClient { BaseAddress = relay.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"sessions/{session}/local-token");
        request.Headers.Add("Origin", $"http://{relay.BaseUri.Authority}");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(600_000, body.GetProperty("lifetimeMs").GetInt64());
        var token = body.GetProperty("token").GetString()!;
        var own = await TestClient.HandshakeStatusAsync(relay.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(token));
        var other = await TestClient.HandshakeStatusAsync(relay.WebSocketUri("/tunnel/another-session"), TestClient.Bearer(token));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, own);
        Assert.Equal(HttpStatusCode.Forbidden, other);
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("http://evil.example")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("null")]
    [InlineData(null)]
    public async Task LocalToken_RequestNotFromTheRelaysOwnPage_Refused403(string? origin)
    {
        using var http = new HttpClient { BaseAddress = fixture.Relay.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "sessions/local/local-token");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Origin", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Viewer_HostedModeWithoutToken_SaysTheLinkNeedsOne()
    {
        await using var relay = await RelayServer.StartAsync("Relay:Mode=Hosted");
        await using var viewer = await fixture.Chromium.NewPageAsync();
        using var http = new HttpClient { BaseAddress = relay.BaseUri };
        using var mint = new HttpRequestMessage(HttpMethod.Post, "sessions/s1/local-token");
        mint.Headers.Add("Origin", $"http://{relay.BaseUri.Authority}");

        using var refused = await http.SendAsync(mint);
        await viewer.OpenAsync(relay.BaseUri, "s1", token: null);

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        await Assertions.Expect(viewer.Notices.Filter(new() { HasText = "This link has no token" })).ToHaveCountAsync(1);
        await Assertions.Expect(viewer.Status).ToHaveTextAsync("Disconnected");
    }
}
