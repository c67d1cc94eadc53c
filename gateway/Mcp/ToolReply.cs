using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace RapidTriage.Gateway.Mcp;

/// <summary>A tool's result and the outcome it is counted as (<c>ok</c>, <c>no_browser</c>, <c>timeout</c>, …).</summary>
internal sealed record ToolReply(CallToolResult Result, string Outcome)
{
    public const string Ok = "ok";
    public const string InvalidArguments = "invalid_arguments";
    public const string NoBrowser = "no_browser";
    public const string TimedOut = "timeout";
    public const string NoEvents = "no_events";
    public const string NotFound = "not_found";
    public const string BrowserError = "browser_error";
    public const string Failed = "failed";

    /// <summary>A result carrying <paramref name="structured"/> as structured content and, for older clients, as JSON text.</summary>
    public static ToolReply Structured(JsonObject structured)
    {
        var element = JsonSerializer.SerializeToElement(structured, McpJson.Options);
        return new ToolReply(
            new CallToolResult
            {
                Content = [new TextContentBlock { Text = element.GetRawText() }],
                StructuredContent = element,
            },
            Ok);
    }

    /// <summary>A tool error (<c>isError: true</c>) whose message tells a person what to do.</summary>
    public static ToolReply Error(string outcome, string message) =>
        new(new CallToolResult { Content = [new TextContentBlock { Text = message }], IsError = true }, outcome);
}
