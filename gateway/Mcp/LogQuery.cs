using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace RapidTriage.Gateway.Mcp;

/// <summary>What the four log tools share: argument checks, the history search and the shape of the result.</summary>
internal sealed class LogQuery(HistorySearch search, IOptions<McpOptions> options)
{
    private readonly McpOptions _options = options.Value;

    public async Task<ToolReply> RunAsync(
        McpCaller caller, string what, ImmutableArray<string> types, EventFilter? filter, string? filterError, long? afterSeq, int? limit)
    {
        if (filter is null)
        {
            return ToolReply.Error(ToolReply.InvalidArguments, filterError!);
        }

        if (limit is { } asked && (asked < 1 || asked > _options.MaxLimit))
        {
            return ToolReply.Error(ToolReply.InvalidArguments, $"limit must be between 1 and {_options.MaxLimit} (default {_options.DefaultLimit}).");
        }

        if (afterSeq < 0)
        {
            return ToolReply.Error(ToolReply.InvalidArguments, "afterSeq must be 0 or more: pass the lastSeq of a previous result, or 0 to start from the oldest.");
        }

        var found = await search.SearchAsync(caller.SessionId, types, filter, afterSeq, limit ?? Math.Min(_options.DefaultLimit, _options.MaxLimit));
        if (found.Events.IsEmpty && found.SessionLastSeq == 0)
        {
            return ToolReply.Error(ToolReply.NoEvents,
                $"Session '{caller.SessionId}' has no events yet: no browser has sent anything to it. Open the page with the "
                + $"RapidTriage extension connected to this relay (session '{caller.SessionId}') and reload it; getConnectionStatus shows what is connected.");
        }

        var compact = new CompactJson(_options.MaxStringLength, _options.MaxArrayItems);
        var events = new JsonArray();
        foreach (var stored in found.Events)
        {
            events.Add(EventView.Render(stored, compact));
        }

        var result = new JsonObject
        {
            ["sessionId"] = caller.SessionId,
            ["count"] = events.Count,
            ["events"] = events,
            ["lastSeq"] = found.LastSeq,
            ["hasMore"] = found.HasMore,
        };
        if (afterSeq is null)
        {
            result["olderOmitted"] = found.OlderOmitted;
        }

        if (Note(what, found, afterSeq) is { } note)
        {
            result["note"] = note;
        }

        return ToolReply.Structured(result);
    }

    private static string? Note(string what, HistorySearchResult found, long? afterSeq)
    {
        if (found.HasMore)
        {
            return $"More {what} follow: call again with afterSeq={found.LastSeq}.";
        }

        if (afterSeq is null && (found.OlderOmitted > 0 || found.OlderUnread))
        {
            return $"These are the newest {what}; older ones were left out. To read from the oldest, call with afterSeq=0. "
                + $"For only what happens from now on, call later with afterSeq={found.LastSeq}.";
        }

        return found.Events.IsEmpty ? $"No {what} match. The session's history may have been cleared (wipeLogs), or the filters exclude everything." : null;
    }
}
