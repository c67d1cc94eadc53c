using System.Collections.Immutable;
using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace RapidTriage.Gateway.Mcp;

/// <summary>The console and network log tools, named as BrowserTools MCP names them.</summary>
[McpServerToolType]
internal sealed class LogTools(McpToolRunner runner, LogQuery query)
{
    private const string Paging =
        " Without afterSeq: the newest entries (olderOmitted counts older matches left out). With afterSeq: entries after that seq,"
        + " oldest first; while hasMore is true, call again with afterSeq=lastSeq. Long strings are cut and marked [truncated].";

    private const string AfterSeqText = "Only entries with a larger seq (a previous result's lastSeq; 0 = from the oldest). Omit for the newest entries.";
    private const string LimitText = "At most this many entries; omit it for the relay's default page size.";
    private const string KeywordsText = "Space-separated words that must all appear (case-insensitive) in the entry, e.g. \"TypeError undefined\".";
    private const string UrlText = "Only requests whose URL contains this text (case-insensitive), e.g. \"/api/users\".";
    private const string StatusText = "Only these HTTP statuses: a code (404), a class (5xx) or a range (400-499).";

    private static readonly ImmutableArray<string> ConsoleTypes = ["console-log", "console-error"];
    private static readonly ImmutableArray<string> NetworkTypes = ["network-request", "network-error"];

    [McpServerTool(Name = "getConsoleLogs", Title = "Browser console logs", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Console output (console.log/info/warn/error/debug) of the browser tab connected to this session." + Paging)]
    public Task<CallToolResult> GetConsoleLogs(
        [Description(KeywordsText)] string? keywords = null,
        [Description("Only these levels, comma-separated: log, info, warn, error, debug.")] string? level = null,
        [Description(AfterSeqText)] long? afterSeq = null,
        [Description(LimitText)] int? limit = null) =>
        runner.RunAsync("getConsoleLogs", caller =>
        {
            var filter = EventFilter.Create(null, out var error, keywords: keywords, level: level);
            return query.RunAsync(caller, "console entries", ConsoleTypes, filter, error, afterSeq, limit);
        });

    [McpServerTool(Name = "getConsoleErrors", Title = "Browser console errors", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Console errors only (console.error, uncaught exceptions, unhandled rejections) with their stack traces." + Paging)]
    public Task<CallToolResult> GetConsoleErrors(
        [Description(KeywordsText)] string? keywords = null,
        [Description(AfterSeqText)] long? afterSeq = null,
        [Description(LimitText)] int? limit = null) =>
        runner.RunAsync("getConsoleErrors", caller =>
        {
            var filter = EventFilter.Create(EventFilter.IsConsoleError, out var error, keywords: keywords);
            return query.RunAsync(caller, "console errors", ConsoleTypes, filter, error, afterSeq, limit);
        });

    [McpServerTool(Name = "getNetworkLogs", Title = "Browser network requests", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Network requests of the tab (XHR/fetch and others): URL, method, status, timing, headers (credentials redacted), bodies." + Paging)]
    public Task<CallToolResult> GetNetworkLogs(
        [Description(UrlText)] string? url = null,
        [Description(StatusText)] string? status = null,
        [Description("Only this HTTP method, e.g. POST.")] string? method = null,
        [Description(KeywordsText)] string? keywords = null,
        [Description(AfterSeqText)] long? afterSeq = null,
        [Description(LimitText)] int? limit = null) =>
        runner.RunAsync("getNetworkLogs", caller =>
        {
            var filter = EventFilter.Create(null, out var error, keywords: keywords, url: url, status: status, method: method);
            return query.RunAsync(caller, "network requests", NetworkTypes, filter, error, afterSeq, limit);
        });

    [McpServerTool(Name = "getNetworkErrors", Title = "Failed browser network requests", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Failed network requests only: HTTP status 400 or more, and requests that never completed (CORS, DNS, aborted)." + Paging)]
    public Task<CallToolResult> GetNetworkErrors(
        [Description(UrlText)] string? url = null,
        [Description(StatusText)] string? status = null,
        [Description(KeywordsText)] string? keywords = null,
        [Description(AfterSeqText)] long? afterSeq = null,
        [Description(LimitText)] int? limit = null) =>
        runner.RunAsync("getNetworkErrors", caller =>
        {
            var filter = EventFilter.Create(EventFilter.IsNetworkError, out var error, keywords: keywords, url: url, status: status);
            return query.RunAsync(caller, "failed requests", NetworkTypes, filter, error, afterSeq, limit);
        });
}
