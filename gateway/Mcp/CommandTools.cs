using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Mcp;

/// <summary>The tools that ask the browser to act: a screenshot, and clearing the logs.</summary>
[McpServerToolType]
internal sealed class CommandTools(
    McpToolRunner runner, SessionCalls calls, IGrainFactory grains, McpMetrics metrics, TimeProvider time, IOptions<McpOptions> options)
{
    private const string Source = "mcp";
    private readonly McpOptions _options = options.Value;

    [McpServerTool(Name = "takeScreenshot", Title = "Screenshot of the browser tab", ReadOnly = true, OpenWorld = false)]
    [Description("Takes a screenshot of the browser tab connected to this session and returns it as an image, with its URL, size "
        + "and dimensions. Fails with a clear message when no browser that can take screenshots is connected.")]
    public Task<CallToolResult> TakeScreenshot(
        [Description("Capture the whole scrollable page instead of the visible part (when the browser supports it).")] bool? fullPage = null,
        [Description("Capture only the element matching this CSS selector (when the browser supports it).")] string? selector = null) =>
        runner.RunAsync("takeScreenshot", async caller =>
        {
            var started = time.GetTimestamp();
            var reply = await calls.AskAsync(caller.SessionId, caller.CallerId, Source, MessageTypes.ScreenshotRequest, writer =>
            {
                writer.WriteString("format", "png");
                if (fullPage is { } full)
                {
                    writer.WriteBoolean("fullPage", full);
                }

                if (!string.IsNullOrWhiteSpace(selector))
                {
                    writer.WriteString("selector", selector);
                }
            }, _options.ScreenshotTimeout);
            var elapsed = time.GetElapsedTime(started);
            var result = await AnswerAsync(caller, reply, elapsed);
            metrics.Screenshot(elapsed, result.Outcome);
            return result;
        });

    [McpServerTool(Name = "wipeLogs", Title = "Clear the logs", Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Clears this session's console and network history (every stored event) and tells the connected browser to clear "
        + "its buffers, so later calls show only what happens from now on.")]
    public Task<CallToolResult> WipeLogs() =>
        runner.RunAsync("wipeLogs", async caller =>
        {
            await calls.AskAsync(caller.SessionId, caller.CallerId, Source, MessageTypes.ClearLogs, null, TimeSpan.Zero);
            return ToolReply.Structured(new JsonObject
            {
                ["sessionId"] = caller.SessionId,
                ["cleared"] = true,
                ["summary"] = $"Cleared the logs of session '{caller.SessionId}'.",
            });
        });

    private async Task<ToolReply> AnswerAsync(McpCaller caller, CommandReply reply, TimeSpan elapsed)
    {
        switch (reply.Outcome)
        {
            case CommandOutcome.NoHandler:
                return ToolReply.Error(ToolReply.NoBrowser,
                    $"No browser that can take screenshots is connected to session '{caller.SessionId}'. Open the page in Chrome with the "
                    + $"RapidTriage extension connected to this relay (session '{caller.SessionId}'), then try again; getConnectionStatus shows what is connected.");
            case CommandOutcome.TimedOut:
                return ToolReply.Error(ToolReply.TimedOut,
                    $"The browser did not answer the screenshot request within {Seconds(elapsed)} s (session '{caller.SessionId}'). "
                    + "Check that the tab is open and visible and the RapidTriage extension is running, then try again.");
            case CommandOutcome.Answered when reply.Payload is not null:
                break;
            default:
                return ToolReply.Error(ToolReply.BrowserError, $"The browser gave no screenshot (session '{caller.SessionId}'): try again.");
        }

        using var document = JsonDocument.Parse(reply.Payload);
        var data = EventView.DataOf(document.RootElement);
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False)
        {
            var reason = data.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : "no reason given";
            return ToolReply.Error(ToolReply.BrowserError,
                $"The browser could not take the screenshot: {reason}. Make sure the tab is a normal web page (not a chrome:// page) and visible, then try again.");
        }

        if (ScreenshotImage.TryRead(data, out var problem) is not { } image)
        {
            return ToolReply.Error(ToolReply.BrowserError, $"The screenshot could not be read: {problem}.");
        }

        var url = data.TryGetProperty("url", out var pageUrl) && pageUrl.ValueKind == JsonValueKind.String ? pageUrl.GetString() : await CurrentUrlAsync(caller);
        var size = image.Width is { } w && image.Height is { } h ? $"{w}x{h} px" : "dimensions unknown";
        var line = $"Screenshot of {url ?? "the current tab"}: {image.Bytes.Length} bytes, {size}, {image.MimeType}, taken in {Seconds(elapsed)} s.";
        var structured = new JsonObject
        {
            ["sessionId"] = caller.SessionId,
            ["url"] = url,
            ["mimeType"] = image.MimeType,
            ["bytes"] = image.Bytes.Length,
            ["width"] = image.Width,
            ["height"] = image.Height,
        };
        return new ToolReply(
            new CallToolResult
            {
                Content = [ImageContentBlock.FromBytes(image.Bytes, image.MimeType), new TextContentBlock { Text = line }],
                StructuredContent = JsonSerializer.SerializeToElement(structured, McpJson.Options),
            },
            ToolReply.Ok);
    }

    private async Task<string?> CurrentUrlAsync(McpCaller caller)
    {
        var page = await grains.GetGrain<ISessionGrain>(caller.SessionId).GetHistory(new HistoryQuery(["page-navigated"], 0, 1, Newest: true));
        if (page.Events.IsEmpty)
        {
            return null;
        }

        using var document = JsonDocument.Parse(page.Events[0].Payload);
        return EventFilter.UrlOf(EventView.DataOf(document.RootElement));
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
