using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// Reads a session's history for a log tool and applies its filter. Without <c>afterSeq</c>: the newest matching
/// events. With it: the oldest matching events after it, read in batches, so a caller pages forward with
/// <c>afterSeq = lastSeq</c> while <c>hasMore</c>.
/// </summary>
internal sealed class HistorySearch(IGrainFactory grains, IOptions<McpOptions> options)
{
    private const int Batch = 500;
    private readonly McpOptions _options = options.Value;

    public async Task<HistorySearchResult> SearchAsync(
        string sessionId, ImmutableArray<string> types, EventFilter filter, long? afterSeq, int limit)
    {
        var session = grains.GetGrain<ISessionGrain>(sessionId);
        return afterSeq is { } after
            ? await ForwardAsync(session, types, filter, after, limit)
            : await NewestAsync(session, types, filter, limit);
    }

    private async Task<HistorySearchResult> NewestAsync(ISessionGrain session, ImmutableArray<string> types, EventFilter filter, int limit)
    {
        var page = await session.GetHistory(new HistoryQuery(types, 0, _options.MaxScan, Newest: true));
        var matches = page.Events.Where(e => Matches(filter, e)).ToList();
        var older = Math.Max(0, matches.Count - limit);
        return new HistorySearchResult([.. matches.Skip(older)], page.LastSeq, false, older, page.HasMore, page.LastSeq);
    }

    private async Task<HistorySearchResult> ForwardAsync(ISessionGrain session, ImmutableArray<string> types, EventFilter filter, long afterSeq, int limit)
    {
        var matches = new List<StoredEvent>(limit);
        var cursor = afterSeq;
        var scanned = 0;
        while (true)
        {
            var page = await session.GetHistory(new HistoryQuery(types, cursor, Math.Min(Batch, _options.MaxScan)));
            for (var i = 0; i < page.Events.Length; i++)
            {
                var stored = page.Events[i];
                cursor = stored.Seq;
                scanned++;
                if (Matches(filter, stored))
                {
                    matches.Add(stored);
                    if (matches.Count == limit)
                    {
                        return new HistorySearchResult([.. matches], cursor, i < page.Events.Length - 1 || page.HasMore, 0, false, page.LastSeq);
                    }
                }
            }

            if (!page.HasMore)
            {
                // Every event of these types up to the session's newest seq was read.
                return new HistorySearchResult([.. matches], Math.Max(cursor, page.LastSeq), false, 0, false, page.LastSeq);
            }

            if (scanned >= _options.MaxScan)
            {
                return new HistorySearchResult([.. matches], cursor, true, 0, false, page.LastSeq);
            }
        }
    }

    private static bool Matches(EventFilter filter, StoredEvent stored)
    {
        using var document = JsonDocument.Parse(stored.Payload);
        return filter.Matches(stored.Type, EventView.DataOf(document.RootElement));
    }
}

/// <summary>What <see cref="HistorySearch"/> found.</summary>
/// <param name="Events">Matching events in <c>seq</c> order.</param>
/// <param name="LastSeq">Pass as <c>afterSeq</c> to continue after what was read.</param>
/// <param name="HasMore">More events after <paramref name="LastSeq"/> were not read yet.</param>
/// <param name="OlderOmitted">Newest mode: matching events older than the ones returned.</param>
/// <param name="OlderUnread">Newest mode: history holds events older than the scanned window.</param>
/// <param name="SessionLastSeq">The session's newest <c>seq</c> (0: it never had an event).</param>
internal sealed record HistorySearchResult(
    ImmutableArray<StoredEvent> Events, long LastSeq, bool HasMore, int OlderOmitted, bool OlderUnread, long SessionLastSeq);
