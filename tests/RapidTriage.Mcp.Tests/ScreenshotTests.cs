using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary><c>takeScreenshot</c>: a real <c>screenshot-request</c> through the session to the extension and back.</summary>
[Collection(McpRelayCollection.Name)]
public sealed class ScreenshotTests(McpRelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TakeScreenshot_ExtensionAnswers_ImageBlockCarriesThePngBytes()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("page-navigated", new { url = "https://shop.example/cart", title = "Cart" });
        await using var client = await McpClients.ConnectAsync(Server, session);
        var png = TestPng.Create(7, 5);

        var answering = extension.AnswerScreenshotAsync(png);
        var result = await client.CallAsync("takeScreenshot", new { fullPage = true });
        var request = await answering;

        Assert.True(result.IsError is not true, result.Text());
        var image = Assert.Single(result.Content.OfType<ImageContentBlock>());
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal(png, image.DecodedData.ToArray());
        var line = result.Text();
        Assert.Contains("https://shop.example/cart", line, StringComparison.Ordinal);
        Assert.Contains($"{png.Length} bytes", line, StringComparison.Ordinal);
        Assert.Contains("7x5 px", line, StringComparison.Ordinal);
        var structured = JsonNode.Parse(result.StructuredContent!.Value.GetRawText())!;
        Assert.Equal(7, structured["width"]!.GetValue<int>());
        Assert.Equal(5, structured["height"]!.GetValue<int>());
        Assert.Equal("png", request.DataString("format"));
        Assert.True(request["data"]!["fullPage"]!.GetValue<bool>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TakeScreenshot_NoBrowser_ToolErrorNamesTheSession()
    {
        var session = McpRelayFixture.NewSession();
        await using var client = await McpClients.ConnectAsync(Server, session);

        var error = (await client.CallAsync("takeScreenshot")).Error();

        Assert.Contains($"No browser that can take screenshots is connected to session '{session}'", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TakeScreenshot_BrowserWithoutScreenshotCapability_ToolErrorSaysNoBrowser()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session, ["console-capture"]);
        await using var client = await McpClients.ConnectAsync(Server, session);

        var error = (await client.CallAsync("takeScreenshot")).Error();

        Assert.Contains("No browser that can take screenshots", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TakeScreenshot_BrowserSilent_ToolErrorAfterTheCommandTimeout()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await using var client = await McpClients.ConnectAsync(Server, session);
        var clock = Stopwatch.StartNew();

        var error = (await client.CallAsync("takeScreenshot")).Error();
        var elapsed = clock.Elapsed;

        Assert.Contains("The browser did not answer the screenshot request within 2", error, StringComparison.Ordinal);
        Assert.InRange(elapsed, McpRelayFixture.CommandTimeout * 0.9, TimeSpan.FromSeconds(10));
        Assert.Equal("screenshot-request", (await extension.Socket.ReceiveTypeAsync("screenshot-request")).Type());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TakeScreenshot_BrowserReportsFailure_ToolErrorCarriesItsReason()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await using var client = await McpClients.ConnectAsync(Server, session);

        var answering = Task.Run(async () =>
        {
            var request = await extension.Socket.ReceiveTypeAsync("screenshot-request");
            await extension.Socket.SendAsync(new { type = "screenshot-response", id = request.Id(), data = new { success = false, error = "tab is hidden" } });
        });
        var error = (await client.CallAsync("takeScreenshot")).Error();
        await answering;

        Assert.Contains("The browser could not take the screenshot: tab is hidden", error, StringComparison.Ordinal);
    }
}
