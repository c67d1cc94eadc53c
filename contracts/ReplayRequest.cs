namespace RapidTriage.Contracts;

/// <summary>
/// One page of a connection's replay cursor (docs/protocol.md section 5): the events after <paramref name="AfterSeq"/> that
/// were meant for <paramref name="ConnectionId"/> (every event but its own), read as its socket drains.
/// </summary>
/// <param name="ConnectionId">The reader; its own events are left out.</param>
/// <param name="Epoch">The epoch the cursor's <c>seq</c> belongs to.</param>
/// <param name="AfterSeq">Where the cursor stands: every event up to it was queued (or not meant for the reader).</param>
/// <param name="MaxEvents">At most this many events.</param>
/// <param name="MaxBytes">At most this many payload bytes (at least one event is always returned when there is one).</param>
[GenerateSerializer, Immutable, Alias("rt.ReplayRequest")]
public sealed record ReplayRequest(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string Epoch,
    [property: Id(2)] long AfterSeq,
    [property: Id(3)] int MaxEvents,
    [property: Id(4)] int MaxBytes);

/// <summary>The answer to <see cref="ISessionGrain.ReadReplay"/>.</summary>
/// <param name="Events">The next events for the reader, in <c>seq</c> order.</param>
/// <param name="ThroughSeq">
/// The cursor may move here: every event up to it is in <paramref name="Events"/> or was not meant for the reader.
/// </param>
/// <param name="LastSeq">The session's newest <c>seq</c>; the cursor has caught up when <paramref name="ThroughSeq"/> reaches it.</param>
/// <param name="Gap">
/// Null when the page continues the cursor exactly; else why it cannot (<see cref="RecoveryReasons"/>): the
/// events after <see cref="ReplayRequest.AfterSeq"/> are no longer all held.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.ReplayPage")]
public sealed record ReplayPage(
    [property: Id(0)] System.Collections.Immutable.ImmutableArray<StoredEvent> Events,
    [property: Id(1)] long ThroughSeq,
    [property: Id(2)] long LastSeq,
    [property: Id(3)] string? Gap);
