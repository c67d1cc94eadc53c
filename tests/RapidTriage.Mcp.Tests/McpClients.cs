using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>The SDK's MCP client on a relay's <c>/mcp</c> (Streamable HTTP), and short reads of tool results.</summary>
internal static class McpClients
{
    public static Uri McpUri(this RelayServer server, string? session) =>
        new(server.BaseUri, session is null ? "mcp" : $"mcp?sessionId={session}");

    public static async Task<McpClient> ConnectAsync(RelayServer server, string? session, IDictionary<string, string>? headers = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpUri(session),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await McpClient.CreateAsync(transport, cancellationToken: timeout.Token);
    }

    public static async Task<CallToolResult> CallAsync(this McpClient client, string tool, object? arguments = null)
    {
        var args = arguments is null
            ? new Dictionary<string, object?>()
            : arguments.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(arguments));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await client.CallToolAsync(tool, args, cancellationToken: timeout.Token);
    }

    /// <summary>The structured content of a successful result (fails the test on an error result).</summary>
    public static JsonObject Structured(this CallToolResult result)
    {
        Assert.True(result.IsError is not true, $"Tool error: {result.Text()}");
        Assert.NotNull(result.StructuredContent);
        var structured = JsonNode.Parse(result.StructuredContent.Value.GetRawText())!.AsObject();

        // Clients without structured-content support read the same JSON as text.
        Assert.Equal(structured.ToJsonString(), JsonNode.Parse(result.Text())!.ToJsonString());
        return structured;
    }

    public static string Text(this CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    /// <summary>The text of an error result (fails the test when the result is not an error).</summary>
    public static string Error(this CallToolResult result)
    {
        Assert.True(result.IsError, $"Expected a tool error, got: {result.Text()}");
        return result.Text();
    }

    public static List<JsonObject> Events(this JsonObject structured) =>
        [.. structured["events"]!.AsArray().Select(e => e!.AsObject())];
}
