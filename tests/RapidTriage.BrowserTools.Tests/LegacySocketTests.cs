using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>
/// The extension's flat frames on <c>/extension-ws</c>: translated to and from envelopes, so envelope clients on
/// <c>/mcp-ws</c> and the events API see its captures, and screenshot requests reach it as <c>take-screenshot</c>.
/// </summary>
public sealed class LegacySocketTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly object McpInit = new { clientType = "test-mcp", capabilities = Array.Empty<string>() };

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task Heartbeat_FlatFrame_AnsweredHeartbeatResponseAndNoEnvelopesSent()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        await extension.ConnectToRelayAsync(cts.Token);
        await using var mcp = await TestClient.ConnectInitializedAsync(relay.WebSocketUri("/mcp-ws"), McpInit);

        await extension.SendHeartbeatAsync();
        var response = await extension.WaitForFrameAsync("heartbeat-response", cts.Token);
        await extension.ConsoleLogAsync("seen by mcp only").ReadAsync();
        var seen = await mcp.ReceiveTypeAsync("console-log");
        await extension.SendHeartbeatAsync();
        await extension.WaitForFrameAsync("heartbeat-response", cts.Token, count: 2);

        Assert.Equal("""{"type":"heartbeat-response"}""", response.ToJsonString());
        Assert.Equal("seen by mcp only", seen["data"]!["message"]!.GetValue<string>());
        List<string> frames;
        lock (extension.Received)
        {
            frames = [.. extension.Received];
        }

        // The connection-ack (ignored by the extension), then only answers to its own heartbeats: no events, no member-*.
        Assert.Equal(["connection-ack", "heartbeat-response", "heartbeat-response"], frames.Select(f => JsonNode.Parse(f)!["type"]!.GetValue<string>()));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task CaptureScreenshot_ExtensionSocket_RoundTripSavesPngAndAddsEvent()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port) { ScreenshotPath = "/tmp/ignored-by-the-relay" };
        await extension.ConnectToRelayAsync(cts.Token);
        await using var mcp = await TestClient.ConnectInitializedAsync(relay.WebSocketUri("/mcp-ws"), McpInit);

        var (status, body, raw) = await extension.Http.PostAsync("capture-screenshot", null, cts.Token).ReadAsync();
        var request = await extension.WaitForFrameAsync("take-screenshot", cts.Token);
        var captured = await mcp.ReceiveTypeAsync("screenshot-captured");

        Assert.True(status == 200, raw);
        var path = body!["path"]!.GetValue<string>();
        Assert.Equal(shots, Path.GetDirectoryName(path));
        Assert.Equal(Path.GetFileName(path), body["filename"]!.GetValue<string>());
        Assert.Equal(Convert.FromBase64String(ScriptedExtension.PngDataUrl["data:image/png;base64,".Length..]), await File.ReadAllBytesAsync(path, cts.Token));
        Assert.False(string.IsNullOrEmpty(request["requestId"]!.GetValue<string>()));
        Assert.Equal(2, request.Count);
        Assert.Equal(path, captured["data"]!["path"]!.GetValue<string>());
        Assert.Equal("capture-screenshot", captured["data"]!["origin"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task CaptureScreenshot_ImageLargerThanMaxMessageSize_ArrivesWhole()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        var image = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(image);
        Convert.FromBase64String(ScriptedExtension.PngDataUrl["data:image/png;base64,".Length..]).CopyTo(image, 0);
        await using var extension = new ScriptedExtension(relay.BaseUri.Port) { ScreenshotDataUrl = "data:image/png;base64," + Convert.ToBase64String(image) };
        await extension.ConnectToRelayAsync(cts.Token);

        var (status, body, raw) = await extension.Http.PostAsync("capture-screenshot", null, cts.Token).ReadAsync();

        Assert.True(status == 200, raw);
        Assert.Equal(image, await File.ReadAllBytesAsync(body!["path"]!.GetValue<string>(), cts.Token));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task CaptureScreenshot_ExtensionReportsError_Answers500WithItsMessage()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port) { ScreenshotError = "Cannot access a chrome:// URL" };
        await extension.ConnectToRelayAsync(cts.Token);

        var (status, body, raw) = await extension.Http.PostAsync("capture-screenshot", null, cts.Token).ReadAsync();

        Assert.True(status == 500, raw);
        Assert.Equal("Cannot access a chrome:// URL", body!["error"]!.GetValue<string>());
        Assert.Empty(Directory.GetFiles(shots));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task CaptureScreenshot_ExtensionNeverAnswers_Answers500AfterScreenshotTimeout()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync(false, "Relay:BrowserTools:ScreenshotTimeout=00:00:01");
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port) { IgnoreScreenshotRequests = true };
        await extension.ConnectToRelayAsync(cts.Token);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var (status, body, raw) = await extension.Http.PostAsync("capture-screenshot", null, cts.Token).ReadAsync();

        Assert.True(status == 500, raw);
        Assert.Equal("Screenshot capture timed out - no response from Chrome extension", body!["error"]!.GetValue<string>());
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
        await extension.WaitForFrameAsync("take-screenshot", cts.Token);
        Assert.Empty(Directory.GetFiles(shots));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ScreenshotRequest_FromEnvelopeClient_AnsweredByExtensionAsScreenshotResponse()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        await extension.ConnectToRelayAsync(cts.Token);
        await using var mcp = await TestClient.ConnectInitializedAsync(relay.WebSocketUri("/mcp-ws"), McpInit);

        await mcp.SendAsync(new { type = "screenshot-request", id = "shot-1", data = new { format = "png" } });
        var response = await mcp.ReceiveTypeAsync("screenshot-response");
        var request = await extension.WaitForFrameAsync("take-screenshot", cts.Token);

        // The extension sees the relay's own correlation id; the requester gets its answer under its own id.
        Assert.Equal("shot-1", response.Id());
        Assert.StartsWith("rt_", request["requestId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(response["data"]!["success"]!.GetValue<bool>());
        Assert.Equal(ScriptedExtension.PngDataUrl, response["data"]!["base64"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task Captures_FromExtension_SeenLiveOnMcpWsAndThroughEventsApi()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        await extension.ConnectToRelayAsync(cts.Token);
        await using var mcp = await TestClient.ConnectInitializedAsync(relay.WebSocketUri("/mcp-ws"), McpInit);

        await extension.SendPageNavigatedAsync("https://shop.test/cart");
        var navigated = await mcp.ReceiveTypeAsync("page-navigated");
        await extension.ConsoleErrorAsync("TypeError: x is undefined").ReadAsync();
        var error = await mcp.ReceiveTypeAsync("console-error");
        await extension.NetworkRequestAsync("https://shop.test/api/cart", 502, "POST").ReadAsync();
        var network = await mcp.ReceiveTypeAsync("network-request");
        await extension.SelectElementAsync("checkout").ReadAsync();
        var selected = await mcp.ReceiveTypeAsync("element-selected");
        var (_, current, _) = await extension.Http.GetAsync("current-url", cts.Token).ReadAsync();
        using var api = new HttpClient { BaseAddress = relay.BaseUri };
        api.DefaultRequestHeaders.Authorization = new("Bearer", RelayServer.Token("local"));
        var history = JsonNode.Parse(await api.GetStringAsync("api/sessions/local/events?limit=100", cts.Token))!["events"]!.AsArray();

        Assert.Equal("https://shop.test/cart", navigated["data"]!["url"]!.GetValue<string>());
        Assert.Equal(extension.TabId, navigated["data"]!["tabId"]!.GetValue<int>());
        Assert.Equal("extension", navigated["metadata"]!["source"]!.GetValue<string>());
        Assert.Equal("TypeError: x is undefined", error["data"]!["message"]!.GetValue<string>());
        Assert.Equal("browser-tools", error["metadata"]!["source"]!.GetValue<string>());
        Assert.Equal(502, network["data"]!["status"]!.GetValue<int>());
        Assert.Equal("checkout", selected["data"]!["element"]!["id"]!.GetValue<string>());
        Assert.Equal("https://shop.test/cart", current!["url"]!.GetValue<string>());
        Assert.Equal(
            ["page-navigated", "console-error", "network-request", "element-selected"],
            history.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(navigated["seq"]!.GetValue<long>(), history[0]!["seq"]!.GetValue<long>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ExtensionOriginEnvelopeClient_SendsConnectionInit_ServedEnvelopesUnchanged()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        // Same Origin as the BrowserTools extension and no subprotocol: an envelope client tells itself apart by its init.
        await using var client = await TestClient.ConnectInitializedAsync(
            relay.WebSocketUri("/extension-ws"),
            new { clientType = "rapidtriage-extension", capabilities = new[] { "console-capture", "screenshot-capture" } },
            o => o.SetRequestHeader("Origin", ScriptedExtension.Origin));
        var heartbeat = await client.HeartbeatAsync();
        await extension.ConsoleLogAsync("an envelope for the envelope client").ReadAsync();
        var log = await client.ReceiveTypeAsync("console-log");
        await using var mcp = await TestClient.ConnectInitializedAsync(relay.WebSocketUri("/mcp-ws"), McpInit);
        await mcp.SendAsync(new { type = "screenshot-request", id = "env-1", data = new { format = "png" } });
        var request = await client.ReceiveTypeAsync("screenshot-request");

        Assert.Equal("heartbeat", heartbeat.Type());
        Assert.Equal("alive", heartbeat["data"]!["status"]!.GetValue<string>());
        Assert.Equal("an envelope for the envelope client", log["data"]!["message"]!.GetValue<string>());
        Assert.StartsWith("rt_", request.Id(), StringComparison.Ordinal);
        Assert.Equal("png", request["data"]!["format"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ExtensionOriginWithSubprotocol_FlatHeartbeat_AnsweredAsEnvelope()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;

        await using var client = await TestClient.ConnectAsync(relay.WebSocketUri("/extension-ws"), o =>
        {
            o.SetRequestHeader("Origin", ScriptedExtension.Origin);
            o.AddSubProtocol("rapidtriage-extension-v1");
        });
        await client.SendAsync(new { type = "heartbeat" });
        var answer = await client.ReceiveTypeAsync("heartbeat");

        Assert.Equal("rapidtriage-extension-v1", client.Subprotocol);
        Assert.Equal("alive", answer["data"]!["status"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }
}
