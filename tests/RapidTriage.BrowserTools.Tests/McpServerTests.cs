using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>
/// BrowserTools' own MCP server (<c>@agentdeskai/browser-tools-mcp</c> 1.2.1, unchanged, over stdio from a scripted
/// MCP client in <c>tests/browser-tools/mcp-client.mjs</c>) finds the relay by its port scan and answers every tool
/// from what the scripted extension sent.
/// </summary>
[Collection(ScannedPortsCollection.Name)]
public sealed class McpServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(150);

    private static readonly string[] AllTools =
    [
        "getConsoleLogs", "getConsoleErrors", "getNetworkErrors", "getNetworkLogs", "takeScreenshot", "getSelectedElement",
        "wipeLogs", "runAccessibilityAudit", "runPerformanceAudit", "runSEOAudit", "runNextJSAudit", "runDebuggerMode",
        "runAuditMode", "runBestPracticesAudit",
    ];

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task McpServer_FindsRelayByPortScan_EveryToolAnswersFromTheSession()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync(inScannedRange: true);
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        await extension.ConnectToRelayAsync(cts.Token);
        await extension.ConsoleLogAsync("cart loaded: 3 items").ReadAsync();
        await extension.ConsoleErrorAsync("Uncaught TypeError: price is undefined").ReadAsync();
        await extension.NetworkRequestAsync("https://shop.test/api/cart", 200).ReadAsync();
        await extension.NetworkRequestAsync("https://shop.test/api/pay", 500, "POST", "{\"error\":\"card declined\"}").ReadAsync();
        await extension.SelectElementAsync("pay-button").ReadAsync();

        string[] calls = [.. AllTools.Where(t => t != "wipeLogs"), "wipeLogs", "getConsoleLogs"];
        var (output, client) = await RunMcpClientAsync(calls, cts.Token);
        await using var __ = client;

        Assert.Equal(AllTools.Order(), output["tools"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        var results = output["calls"]!.AsArray().Select(c => (Tool: c!["tool"]!.GetValue<string>(), Text: Text(c["result"]!), IsError: c["result"]!["isError"]?.GetValue<bool>() ?? false)).ToList();
        string Result(string tool, int nth = 0) => results.Where(r => r.Tool == tool).ElementAt(nth).Text;

        var logs = JsonNode.Parse(Result("getConsoleLogs"))!.AsArray();
        Assert.Equal("cart loaded: 3 items", Assert.Single(logs)!["message"]!.GetValue<string>());
        Assert.Equal("Uncaught TypeError: price is undefined", Assert.Single(JsonNode.Parse(Result("getConsoleErrors"))!.AsArray())!["message"]!.GetValue<string>());
        var failed = Assert.Single(JsonNode.Parse(Result("getNetworkErrors"))!.AsArray())!;
        Assert.Equal("https://shop.test/api/pay", failed["url"]!.GetValue<string>());
        Assert.Equal("{\"error\":\"card declined\"}", failed["responseBody"]!.GetValue<string>());
        Assert.Equal("https://shop.test/api/cart", Assert.Single(JsonNode.Parse(Result("getNetworkLogs"))!.AsArray())!["url"]!.GetValue<string>());
        Assert.Equal("pay-button", JsonNode.Parse(Result("getSelectedElement"))!["id"]!.GetValue<string>());
        Assert.Equal("Successfully saved screenshot", Result("takeScreenshot"));
        var saved = Assert.Single(Directory.GetFiles(shots));
        Assert.Equal(Convert.FromBase64String(ScriptedExtension.PngDataUrl["data:image/png;base64,".Length..]), await File.ReadAllBytesAsync(saved, cts.Token));
        foreach (var audit in new[] { "runAccessibilityAudit", "runPerformanceAudit", "runSEOAudit", "runBestPracticesAudit" })
        {
            Assert.Contains("Server returned 501", Result(audit), StringComparison.Ordinal);
            Assert.Contains("does not drive a browser", Result(audit), StringComparison.Ordinal);
        }

        // Prompts only: the MCP server answers them itself.
        Assert.Contains("debug", Result("runDebuggerMode"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("audit", Result("runAuditMode"), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(Result("runNextJSAudit")));
        Assert.Equal("All logs cleared successfully", Result("wipeLogs"));
        Assert.Equal("[]", Result("getConsoleLogs", 1));
        Assert.Contains($"127.0.0.1:{relay.BaseUri.Port}", client.StandardError, StringComparison.Ordinal);
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task McpServer_NoExtensionConnected_ScreenshotToolReportsIt()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync(inScannedRange: true);
        await using var _ = relay;

        var (output, client) = await RunMcpClientAsync(["takeScreenshot"], cts.Token, relay.BaseUri.Port);
        await using var __ = client;

        Assert.Equal("Error taking screenshot: Chrome extension not connected", Text(output["calls"]![0]!["result"]!));
        Assert.Empty(Directory.GetFiles(shots));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    private static string Text(JsonNode result) =>
        string.Concat(result["content"]!.AsArray().Select(c => c!["text"]?.GetValue<string>() ?? ""));

    /// <summary>Runs the scripted MCP client; with <paramref name="port"/>, through the server's BROWSER_TOOLS_PORT instead of its scan.</summary>
    private static async Task<(JsonNode Output, ChildProcess Client)> RunMcpClientAsync(string[] tools, CancellationToken cancellationToken, int? port = null)
    {
        BrowserToolsSetup.Package("@agentdeskai/browser-tools-mcp");
        var client = ChildProcess.Start(
            "node",
            [Path.Combine(BrowserToolsSetup.TestsFolder, "browser-tools", "mcp-client.mjs"), .. tools],
            BrowserToolsSetup.TestsFolder,
            "Install Node.js 18 or later.",
            new Dictionary<string, string?>
            {
                ["BROWSER_TOOLS_HOST"] = port is null ? null : "127.0.0.1",
                ["BROWSER_TOOLS_PORT"] = port?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        var exit = await client.WaitForExitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        Assert.True(exit == 0, client.Describe());
        var line = client.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return (JsonNode.Parse(line ?? throw new InvalidOperationException(client.Describe()))!, client);
    }
}
