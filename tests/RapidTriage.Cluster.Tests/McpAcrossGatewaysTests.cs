using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary>
/// <c>/mcp</c> in cluster mode: the extension's socket is on gateway 0, the assistant's MCP client on gateway 1;
/// history, the roster and a screenshot round trip all go through the session grain on a silo.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class McpAcrossGatewaysTests(AzuriteFixture fixture)
{
    /// <summary>A real 1x1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [Fact(Timeout = 120_000)]
    public async Task McpOnGatewayB_ExtensionOnGatewayA_ReadsHistoryRosterAndScreenshots()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var session = Sessions.New();
        await using var extension = await Peer.ExtensionAsync(cluster, 0, session, new { clientType = "rapidtriage-extension", tabId = "tab-a" });
        for (var i = 1; i <= 5; i++)
        {
            Assert.True(await extension.SendAsync(new { type = "console-log", id = $"c{i}", data = new { level = "info", message = $"from gateway A {i}" } }));
        }

        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = cluster.GatewayHttp(1, $"/mcp?sessionId={session}"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }));

        var logs = await PollAsync(client, "getConsoleLogs", s => s["events"]!.AsArray().Count == 5);
        var status = Structured(await CallAsync(client, "getConnectionStatus"));
        var answering = Task.Run(async () =>
        {
            var request = await extension.ReceiveTypeAsync("screenshot-request", TimeSpan.FromSeconds(20));
            await extension.SendAsync(new
            {
                type = "screenshot-response",
                id = request["id"]!.GetValue<string>(),
                data = new { success = true, base64 = "data:image/png;base64," + Convert.ToBase64String(Png) },
            });
        });
        var screenshot = await CallAsync(client, "takeScreenshot");
        await answering;

        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"from gateway A {i}"), logs["events"]!.AsArray().Select(e => e!["data"]!["message"]!.GetValue<string>()));
        Assert.True(status["browserConnected"]!.GetValue<bool>());
        Assert.Equal("tab-a", Assert.Single(status["members"]!.AsArray())!["tabId"]!.GetValue<string>());
        Assert.True(screenshot.IsError is not true, string.Join("\n", screenshot.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        Assert.Equal(Png, Assert.Single(screenshot.Content.OfType<ImageContentBlock>()).DecodedData.ToArray());
    }

    private static async Task<CallToolResult> CallAsync(McpClient client, string tool)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await client.CallToolAsync(tool, new Dictionary<string, object?>(), cancellationToken: timeout.Token);
    }

    private static JsonObject Structured(CallToolResult result)
    {
        Assert.True(result.IsError is not true, string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        return JsonNode.Parse(result.StructuredContent!.Value.GetRawText())!.AsObject();
    }

    /// <summary>Events from gateway A reach the session asynchronously: call until the result is complete.</summary>
    private static async Task<JsonObject> PollAsync(McpClient client, string tool, Func<JsonObject, bool> done)
    {
        var result = await Eventually.LatestAsync(() => CallAsync(client, tool), r => r.IsError is not true && done(Structured(r)), TimeSpan.FromSeconds(15));
        return Structured(result);
    }
}
