using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>A <c>history-request</c> or <c>GET /api/sessions/{id}/events</c> (docs/protocol.md section 5).</summary>
/// <param name="Types">Only these types; empty for all.</param>
/// <param name="AfterSeq">Only events with a larger <c>seq</c>.</param>
/// <param name="Limit">At most this many, in <c>seq</c> order.</param>
/// <param name="Newest">
/// When the matching events are more than <paramref name="Limit"/>: false keeps the oldest (paging forward with
/// <paramref name="AfterSeq"/>), true keeps the newest ("the last 50 console logs").
/// </param>
[GenerateSerializer, Immutable, Alias("rt.HistoryQuery")]
public sealed record HistoryQuery(
    [property: Id(0)] ImmutableArray<string> Types,
    [property: Id(1)] long AfterSeq,
    [property: Id(2)] int Limit,
    [property: Id(3)] bool Newest = false);

/// <summary>A page of history.</summary>
/// <param name="Events">Matching events in <c>seq</c> order.</param>
/// <param name="LastSeq">The session's newest <c>seq</c>.</param>
/// <param name="HasMore">True when <see cref="HistoryQuery.Limit"/> left matching events out of the page.</param>
[GenerateSerializer, Immutable, Alias("rt.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] ImmutableArray<StoredEvent> Events,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] bool HasMore);
