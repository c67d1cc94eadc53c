using System.Net;
using Microsoft.Playwright;
using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>Session data is text, never markup; the page's responses carry a strict policy.</summary>
[Collection(ViewerCollection.Name)]
public sealed class ViewerSecurityTests(ViewerFixture fixture)
{
    private const string ImgPayload = "<img src=x onerror=\"window.__pwned='img'\">";
    private const string ScriptPayload = "<script>window.__pwned='script'</script>";
    private const string JavascriptUrl = "javascript:window.__pwned='url'";

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Viewer_HostileSessionData_RenderedAsTextWithoutRunningAnything()
    {
        // A 1 MB message needs room: a larger frame limit, and a send queue that holds it for the viewer.
        await using var relay = await RelayServer.StartAsync("Relay:MaxMessageSize=4194304", "Relay:SendQueueBytes=16777216");
        var session = ViewerFixture.NewSession("hostile");
        await using var extension = await ScriptedExtension.ConnectAsync(relay, session, clientType: ImgPayload);
        await extension.PublishAsync("console-log", new { level = ImgPayload, message = ImgPayload, stack = ScriptPayload, args = new object[] { new Dictionary<string, string> { [ImgPayload] = ScriptPayload } } });
        await extension.PublishAsync("network-request", new
        {
            url = JavascriptUrl, method = ImgPayload, status = 200,
            headers = new { response = new Dictionary<string, string> { [ImgPayload] = ScriptPayload } },
            body = new { response = ScriptPayload },
        });
        await extension.PublishAsync("page-navigated", new { url = JavascriptUrl, title = ScriptPayload });
        await extension.PublishAsync("element-selected", new { element = new { tagName = ImgPayload, innerHTML = ImgPayload + ScriptPayload, cssSelector = ImgPayload } });
        await extension.PublishAsync(ImgPayload, new { x = ScriptPayload });
        var huge = "big-" + new string('a', 1024 * 1024);
        await extension.PublishAsync("console-log", new { level = "info", message = huge });
        await using var viewer = await fixture.Chromium.NewPageAsync();

        await viewer.OpenAsync(relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitCountAsync("all", 6);

        // Every row and every detail pane shows the markup as characters.
        await Assertions.Expect(viewer.Page.Locator("#roster")).ToContainTextAsync(ImgPayload);
        var detail = viewer.Page.Locator("#detail");
        // After each tab click, the list is awaited until it shows that tab's rows: it renders after the click, and a
        // row filter run before then matched the rows of the tab before (four at once, and the click failed).
        await viewer.Page.Locator("[data-tab=console]").ClickAsync();
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(2);
        await viewer.Rows.Filter(new() { HasText = ImgPayload }).ClickAsync();
        await Assertions.Expect(detail).ToContainTextAsync(ScriptPayload);
        await viewer.Page.Locator("[data-tab=network]").ClickAsync();
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(1);
        await viewer.Rows.Filter(new() { HasText = JavascriptUrl }).ClickAsync();
        await Assertions.Expect(detail).ToContainTextAsync(ScriptPayload);
        await viewer.Page.Locator("[data-tab=navigation]").ClickAsync();
        await Assertions.Expect(viewer.Rows.Filter(new() { HasText = JavascriptUrl + "  —  " + ScriptPayload })).ToHaveCountAsync(1);
        await viewer.Page.Locator("[data-tab=elements]").ClickAsync();
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(1);
        await viewer.Rows.Filter(new() { HasText = ImgPayload }).ClickAsync();
        await Assertions.Expect(detail).ToContainTextAsync(ImgPayload + ScriptPayload);
        await viewer.Page.Locator("[data-tab=all]").ClickAsync();
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(6);
        await viewer.Rows.Filter(new() { HasText = "big-aaaa" }).ClickAsync();
        await detail.Locator("button", new() { HasText = "Show all" }).ClickAsync();
        Assert.Equal(huge.Length, await detail.Locator("pre").First.EvaluateAsync<int>("pre => pre.textContent.length"));

        // A screenshot answer that is not an image data: URL is refused, not rendered.
        await viewer.Page.Locator("#screenshot").ClickAsync();
        await extension.AnswerScreenshotAsync(JavascriptUrl);
        await Assertions.Expect(viewer.Notices.Filter(new() { HasText = "not shown" })).ToHaveCountAsync(1);

        Assert.Equal(0, await viewer.Page.Locator("img").CountAsync());
        Assert.Equal(1, await viewer.Page.Locator("script").CountAsync());
        Assert.Equal(0, await viewer.Page.Locator("a[href]").CountAsync());
        Assert.Null(await viewer.Page.EvaluateAsync<string?>("window.__pwned ?? null"));
        viewer.AssertNoProblems();
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ViewerResponses_PageAndAssets_CarryStrictSecurityHeaders()
    {
        using var http = new HttpClient { BaseAddress = fixture.Relay.BaseUri };

        foreach (var (path, type) in new[] { ("sessions/some-session", "text/html"), ("viewer/app.js", "text/javascript"), ("viewer/viewer.css", "text/css") })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith(type, response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("img-src 'self' data:;", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("require-trusted-types-for 'script'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }

        var page = await http.GetStringAsync("sessions/some-session");
        Assert.DoesNotContain("style=", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", page);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);

        using var missing = await http.GetAsync("viewer/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var badSession = await http.GetAsync("sessions/bad%20id");
        Assert.Equal(HttpStatusCode.BadRequest, badSession.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_TokenLink_TokenInNoHttpRequestLineOnlyOnTheSocketUrl()
    {
        var session = ViewerFixture.NewSession();
        var token = RelayServer.Token(session);
        await using var viewer = await fixture.Chromium.NewPageAsync();
        var requests = new List<(string Url, string? Authorization)>();
        var sockets = new List<string>();
        viewer.Page.Request += (_, r) =>
        {
            lock (requests)
            {
                requests.Add((r.Url, r.Headers.GetValueOrDefault("authorization")));
            }
        };
        viewer.Page.WebSocket += (_, ws) =>
        {
            lock (sockets)
            {
                sockets.Add(ws.Url);
            }
        };

        await viewer.OpenAsync(fixture.Relay.BaseUri, session, token);
        await viewer.WaitLiveAsync();
        await Assertions.Expect(viewer.Page.Locator("#roster li")).ToHaveCountAsync(1);

        lock (requests)
        {
            Assert.Contains(requests, r => r.Url.EndsWith($"/sessions/{session}", StringComparison.Ordinal));
            Assert.All(requests, r => Assert.DoesNotContain(token, r.Url, StringComparison.Ordinal));
            Assert.Contains(requests, r => r.Url.EndsWith($"/api/sessions/{session}", StringComparison.Ordinal) && r.Authorization == $"Bearer {token}");
        }

        lock (sockets)
        {
            Assert.Equal([$"ws://{fixture.Relay.BaseUri.Authority}/tunnel/{session}?access_token={token}"], sockets);
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_TokenSignedWithAnotherKey_SaysTheTokenIsRefused()
    {
        var session = ViewerFixture.NewSession();
        await using var viewer = await fixture.Chromium.NewPageAsync();

        await viewer.OpenAsync(fixture.Relay.BaseUri, session, RelayServer.Token(session, key: "another-key-that-is-long-enough-for-hs256-0123"));

        await Assertions.Expect(viewer.Notices.Filter(new() { HasText = "refused this link's token" })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(viewer.Status).ToHaveTextAsync("Disconnected");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TunnelHandshake_OriginIsTheRelayItself_AcceptedOtherOriginsRefused()
    {
        var session = ViewerFixture.NewSession();
        var relay = fixture.Relay;
        var own = $"http://{relay.BaseUri.Authority}";
        var uri = relay.WebSocketUri($"/tunnel/{session}");

        var accepted = await TestClient.HandshakeStatusAsync(uri, TestClient.Bearer(RelayServer.Token(session), o => o.SetRequestHeader("Origin", own)));
        var refused = await TestClient.HandshakeStatusAsync(uri, TestClient.Bearer(RelayServer.Token(session), o => o.SetRequestHeader("Origin", "http://127.0.0.1:1")));

        Assert.Equal(HttpStatusCode.SwitchingProtocols, accepted);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
    }
}
