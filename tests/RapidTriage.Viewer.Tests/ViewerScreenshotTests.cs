using Microsoft.Playwright;
using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>
/// A realistic session in the viewer, saved as the README's screenshot (docs/images/viewer.png when
/// <c>RAPIDTRIAGE_WRITE_DOCS=1</c>; tests/viewer-docs.sh).
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class ViewerScreenshotTests(ViewerFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Viewer_TypicalSession_RendersEveryPanelForTheScreenshot()
    {
        var session = "checkout-bug-4711";
        await using var relay = await RelayServer.StartAsync();
        await using var extension = await ScriptedExtension.ConnectAsync(relay, session);
        await using var mcp = await TestClient.ConnectInitializedAsync(
            relay.WebSocketUri($"/mcp-ws?sessionId={session}"), new { clientType = "claude-desktop", version = "0.9", capabilities = Array.Empty<string>() });
        await extension.PublishAsync("page-navigated", new { url = "https://shop.example.com/cart", title = "Your cart" });
        await extension.PublishAsync("console-log", new { level = "info", message = "cart: 3 items loaded", args = new object[] { "cart", new { items = 3, total = 129.9 } } });
        await extension.PublishAsync("network-request", new { url = "https://shop.example.com/api/cart", method = "GET", status = 200, duration = 84, headers = new { request = new Dictionary<string, string> { ["Cookie"] = "session=abc" }, response = new Dictionary<string, string> { ["Content-Type"] = "application/json" } } });
        await extension.PublishAsync("console-log", new { level = "debug", message = "analytics: page_view sent" });
        await extension.PublishAsync("page-navigated", new { url = "https://shop.example.com/checkout", title = "Checkout" });
        await extension.PublishAsync("network-request", new { url = "https://shop.example.com/api/shipping?zip=10115", method = "GET", status = 304, duration = 31 });
        await extension.PublishAsync("console-log", new { level = "warn", message = "Deprecated: payment SDK v2 will be removed on 2027-01-01" });
        await extension.PublishAsync("element-selected", new { element = new { tagName = "BUTTON", cssSelector = "#pay-now", textContent = "Pay €129.90" } });
        await extension.PublishAsync("network-request", new
        {
            url = "https://shop.example.com/api/checkout", method = "POST", status = 500, statusText = "Internal Server Error", duration = 2140,
            headers = new
            {
                request = new Dictionary<string, string> { ["Authorization"] = "Bearer eyJhbGciOi...", ["Content-Type"] = "application/json" },
                response = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Request-Id"] = "a1b2c3" },
            },
            body = new { request = "{\"cartId\":\"c-77\",\"method\":\"card\"}", response = "{\"error\":\"payment provider timeout\",\"retryable\":true}" },
        });
        await extension.PublishAsync("console-error", new { level = "error", message = "Uncaught (in promise) Error: checkout failed: 500", stack = "Error: checkout failed: 500\n    at submitOrder (checkout.js:88:11)\n    at async HTMLButtonElement.onPay (checkout.js:41:5)" });
        await extension.PublishAsync("console-log", new { level = "info", message = "retry scheduled in 2 s" });
        await using var viewer = await fixture.Chromium.NewPageAsync(1400, 820);

        await viewer.OpenAsync(relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitCountAsync("all", 11);
        await viewer.Page.Locator("#screenshot").ClickAsync();
        await extension.AnswerScreenshotAsync(await ScreenshotOfAShopAsync());
        await Assertions.Expect(viewer.Page.Locator("#gallery img")).ToHaveCountAsync(1);
        await viewer.Rows.Filter(new() { HasText = "/api/checkout" }).ClickAsync();
        await Assertions.Expect(viewer.Page.Locator("#detail")).ToContainTextAsync("payment provider timeout");
        await Assertions.Expect(viewer.Page.Locator("#roster li")).ToHaveCountAsync(3);
        await viewer.Page.Locator("#notices .notice button").First.ClickAsync();

        var path = DocsOutput.PathFor("docs/images/viewer.png");
        await viewer.Page.ScreenshotAsync(new() { Path = path });

        Assert.True(new FileInfo(path).Length > 10_000, $"{path} looks empty.");
        viewer.AssertNoProblems();
    }

    /// <summary>A page drawn by the browser itself, standing in for the captured tab.</summary>
    private async Task<string> ScreenshotOfAShopAsync()
    {
        await using var shop = await fixture.Chromium.NewPageAsync(640, 400);
        await shop.Page.SetContentAsync(
            "<body style='margin:0;font:16px sans-serif;background:#f6f7f9'>" +
            "<div style='background:#2b59c3;color:#fff;padding:14px 20px;font-size:20px'>Example Shop &middot; Checkout</div>" +
            "<div style='padding:20px'><h2 style='margin:0 0 12px'>Order summary</h2>" +
            "<p>3 items &middot; <b>&euro;129.90</b></p>" +
            "<div style='background:#fde8e8;color:#9b1c1c;padding:10px;border-radius:6px'>Something went wrong. Please try again.</div>" +
            "<button style='margin-top:16px;padding:10px 24px;font-size:16px;background:#2b59c3;color:#fff;border:0;border-radius:6px'>Pay &euro;129.90</button>" +
            "</div></body>");
        return "data:image/png;base64," + Convert.ToBase64String(await shop.Page.ScreenshotAsync());
    }
}
