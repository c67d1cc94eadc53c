using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>The relay's own <c>/mcp</c> serves a session fed by the BrowserTools extension, its screenshots included.</summary>
public sealed class RelayMcpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task RelayMcp_SessionFedByBrowserToolsExtension_LogsPageAndScreenshotServed()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        await extension.ConnectToRelayAsync(cts.Token);
        await extension.SendPageNavigatedAsync("https://shop.test/checkout");
        await extension.ConsoleErrorAsync("Uncaught RangeError: too deep").ReadAsync();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(relay.BaseUri, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: cts.Token);

        var errors = await client.CallToolAsync("getConsoleErrors", new Dictionary<string, object?>(), cancellationToken: cts.Token);
        var page = await client.CallToolAsync("getPageInfo", new Dictionary<string, object?>(), cancellationToken: cts.Token);
        var screenshot = await client.CallToolAsync("takeScreenshot", new Dictionary<string, object?>(), cancellationToken: cts.Token);

        Assert.True(errors.IsError is not true, Text(errors));
        Assert.Contains("Uncaught RangeError: too deep", Text(errors), StringComparison.Ordinal);
        Assert.True(page.IsError is not true, Text(page));
        Assert.Contains("https://shop.test/checkout", Text(page), StringComparison.Ordinal);
        Assert.True(screenshot.IsError is not true, Text(screenshot));
        var image = Assert.Single(screenshot.Content.OfType<ImageContentBlock>());
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal(Convert.FromBase64String(ScriptedExtension.PngDataUrl["data:image/png;base64,".Length..]), image.DecodedData.ToArray());
        var request = await extension.WaitForFrameAsync("take-screenshot", cts.Token);
        Assert.False(string.IsNullOrEmpty(request["requestId"]!.GetValue<string>()));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
