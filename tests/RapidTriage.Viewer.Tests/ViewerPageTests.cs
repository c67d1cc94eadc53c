using Microsoft.Playwright;
using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>The viewer page in headless Chromium against a real relay, fed by a scripted extension.</summary>
[Collection(ViewerCollection.Name)]
public sealed class ViewerPageTests(ViewerFixture fixture)
{
    private RelayServer Relay => fixture.Relay;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_OpenedWithTokenLink_GoesLiveWithoutConsoleErrors()
    {
        var session = ViewerFixture.NewSession();
        await using var viewer = await fixture.Chromium.NewPageAsync();

        var response = await viewer.OpenAsync(Relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitLiveAsync();

        Assert.Equal(200, response!.Status);
        await Assertions.Expect(viewer.Page.Locator("#session-id")).ToHaveTextAsync(session);
        await Assertions.Expect(viewer.Page.Locator("#roster li.self")).ToContainTextAsync("session-viewer (this page)");
        viewer.AssertNoProblems();
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_SessionWithHistory_BackfillsEveryKindOfEvent()
    {
        var session = ViewerFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Relay, session);
        await extension.PublishAsync("console-log", new { level = "info", message = "app started", args = new object[] { "app", new { version = "1.0", nested = new { deep = true } } } });
        await extension.PublishAsync("console-error", new { level = "error", message = "TypeError: x is undefined", stack = "TypeError: x is undefined\n    at handleClick (app.js:15:5)" });
        await extension.PublishAsync("network-request", new
        {
            url = "https://api.example.com/users?page=1", method = "GET", status = 200, duration = 145,
            headers = new { request = new Dictionary<string, string> { ["Authorization"] = "Bearer secret-value", ["Accept"] = "application/json" } },
            body = new { response = "{\"users\":[\"ada\"]}" },
        });
        await extension.PublishAsync("network-request", new { url = "https://api.example.com/broken", method = "POST", status = 500, duration = 5000 });
        await extension.PublishAsync("page-navigated", new { url = "https://example.com/checkout", title = "Checkout" });
        await extension.PublishAsync("element-selected", new { element = new { tagName = "BUTTON", cssSelector = "#pay", textContent = "Pay now" } });
        await using var viewer = await fixture.Chromium.NewPageAsync();

        await viewer.OpenAsync(Relay.BaseUri, session, RelayServer.Token(session));

        await viewer.WaitCountAsync("all", 6);
        await viewer.WaitCountAsync("console", 2);
        await viewer.WaitCountAsync("network", 2);
        await viewer.WaitCountAsync("navigation", 1);
        await viewer.WaitCountAsync("elements", 1);
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(6);
        await Assertions.Expect(viewer.Rows.Filter(new() { HasText = "/broken" })).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("failed"));
        await Assertions.Expect(viewer.Page.Locator("#roster")).ToContainTextAsync("chrome-extension");

        // The relay redacted the credential before storing it; the detail pane shows headers and the body.
        await viewer.Rows.Filter(new() { HasText = "/users?page=1" }).ClickAsync();
        var detail = viewer.Page.Locator("#detail");
        await Assertions.Expect(detail).ToContainTextAsync("[REDACTED]");
        await Assertions.Expect(detail).ToContainTextAsync("\"ada\"");
        Assert.DoesNotContain("secret-value", await detail.TextContentAsync(), StringComparison.Ordinal);

        // Console: level filter, search, stack and expandable arguments.
        await viewer.Page.Locator("[data-tab=console]").ClickAsync();
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(2);
        await viewer.Page.Locator("#level").SelectOptionAsync("error");
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(1);
        await viewer.Rows.First.ClickAsync();
        await Assertions.Expect(detail).ToContainTextAsync("at handleClick (app.js:15:5)");
        await viewer.Page.Locator("#level").SelectOptionAsync("");
        await viewer.Page.Locator("#search").FillAsync("started");
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(1);
        await viewer.Rows.First.ClickAsync();
        await detail.Locator("summary", new() { HasText = "{version, nested}" }).First.ClickAsync();
        await Assertions.Expect(detail.Locator(".key", new() { HasText = "nested" })).ToBeVisibleAsync();
        viewer.AssertNoProblems();
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_LiveEvent_ShownWithinOneSecond()
    {
        var session = ViewerFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Relay, session);
        await using var viewer = await fixture.Chromium.NewPageAsync();
        await viewer.OpenAsync(Relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitLiveAsync();
        const string marker = "live-marker-7f3a";

        // The page notes the wall-clock moment the row appears; the test notes when it sent the event.
        await viewer.Page.EvaluateAsync(@"marker => new Promise(ready => {
            window.__seenAt = null;
            new MutationObserver((_, observer) => {
                if (document.getElementById('list-rows').textContent.includes(marker)) {
                    window.__seenAt = performance.timeOrigin + performance.now();
                    observer.disconnect();
                }
            }).observe(document.getElementById('list-rows'), { childList: true, subtree: true, characterData: true });
            ready();
        })", marker);
        var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await extension.SendAsync("console-log", new { level = "warn", message = marker });
        await Assertions.Expect(viewer.Rows.Filter(new() { HasText = marker })).ToBeVisibleAsync(new() { Timeout = 5_000 });

        var seenAt = await viewer.Page.EvaluateAsync<double>("window.__seenAt");
        Assert.InRange(seenAt - sentAt, 0, 1000);
        await Assertions.Expect(viewer.Rows.Filter(new() { HasText = marker }).Locator(".badge")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("lvl-warn"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_ScreenshotButton_SendsRequestAndShowsReturnedImage()
    {
        var session = ViewerFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Relay, session);
        await using var viewer = await fixture.Chromium.NewPageAsync();
        await viewer.OpenAsync(Relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitLiveAsync();

        await viewer.Page.Locator("#screenshot").ClickAsync();
        var request = await extension.AnswerScreenshotAsync();

        Assert.Equal("png", request["data"]!["format"]!.GetValue<string>());
        var image = viewer.Page.Locator("#gallery img");
        await Assertions.Expect(image).ToHaveCountAsync(1);
        Assert.Equal(ScriptedExtension.PngDataUrl, await image.GetAttributeAsync("src"));
        await viewer.Page.WaitForFunctionAsync("document.querySelector('#gallery img').complete");
        Assert.Equal(2, await image.EvaluateAsync<int>("img => img.naturalWidth"));
        await Assertions.Expect(viewer.Page.Locator("#shot-count")).ToHaveTextAsync("1");
        await Assertions.Expect(viewer.Page.Locator("#screenshot")).ToBeEnabledAsync();
        viewer.AssertNoProblems();
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_ScreenshotCapturedEvent_JoinsGalleryLiveAndFromHistory()
    {
        var session = ViewerFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Relay, session);
        await extension.PublishAsync("screenshot-captured", new { success = true, filename = "a.png", format = "png", base64 = ScriptedExtension.PngDataUrl });
        await using var viewer = await fixture.Chromium.NewPageAsync();
        await viewer.OpenAsync(Relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitLiveAsync();
        await Assertions.Expect(viewer.Page.Locator("#gallery img")).ToHaveCountAsync(1);

        await extension.SendAsync("screenshot-captured", new { success = true, filename = "b.png", format = "png", base64 = ScriptedExtension.PngDataUrl });
        await extension.SendAsync("screenshot-captured", new { success = true, filename = "c.png", format = "png", base64 = "javascript:alert(1)" });

        await Assertions.Expect(viewer.Page.Locator("#gallery img")).ToHaveCountAsync(2);
        await viewer.WaitCountAsync("all", 3);
        await Assertions.Expect(viewer.Page.Locator("#shot-count")).ToHaveTextAsync("2");
        viewer.AssertNoProblems();
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_Paused_HoldsLiveEventsUntilResumed()
    {
        var session = ViewerFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Relay, session);
        await using var viewer = await fixture.Chromium.NewPageAsync();
        await viewer.OpenAsync(Relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitLiveAsync();

        await viewer.Page.Locator("#pause").ClickAsync();
        await extension.PublishAsync("console-log", new { level = "info", message = "while paused" });

        await viewer.WaitCountAsync("all", 1);
        await Assertions.Expect(viewer.Page.Locator("#pause")).ToHaveTextAsync("Resume (1 new)");
        await Assertions.Expect(viewer.Rows).ToHaveCountAsync(0);
        await viewer.Page.Locator("#pause").ClickAsync();
        await Assertions.Expect(viewer.Rows.Filter(new() { HasText = "while paused" })).ToBeVisibleAsync();
        await Assertions.Expect(viewer.Page.Locator("#pause")).ToHaveTextAsync("Pause");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Viewer_ExportButton_DownloadsShownEventsAsJson()
    {
        var session = ViewerFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Relay, session);
        await extension.PublishAsync("console-log", new { level = "info", message = "first" });
        await extension.PublishAsync("network-request", new { url = "https://example.com/a", method = "GET", status = 200 });
        await using var viewer = await fixture.Chromium.NewPageAsync();
        await viewer.OpenAsync(Relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitCountAsync("all", 2);
        await viewer.Page.Locator("[data-tab=network]").ClickAsync();

        var download = await viewer.Page.RunAndWaitForDownloadAsync(() => viewer.Page.Locator("#export").ClickAsync());
        var path = await download.PathAsync();

        using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(session, json.RootElement.GetProperty("sessionId").GetString());
        var events = json.RootElement.GetProperty("events");
        Assert.Equal(1, events.GetArrayLength());
        Assert.Equal("https://example.com/a", events[0].GetProperty("data").GetProperty("url").GetString());
        Assert.EndsWith(".json", download.SuggestedFilename, StringComparison.Ordinal);
    }
}
