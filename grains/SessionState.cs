namespace RapidTriage.Grains;

/// <summary>
/// What a session persists: a snapshot, extended by the <see cref="HistorySegment"/>s written after it
/// (numbered from <see cref="FirstSegment"/>); whether an activation runs is in its <see cref="SessionMark"/>.
/// The roster and observer references are never stored: gateways rebuild the roster by renewing.
/// </summary>
[GenerateSerializer, Alias("rt.SessionState")]
public sealed class SessionState
{
    /// <summary>
    /// Changes whenever history may have been lost. The <see cref="SessionMark"/>'s epoch wins where there is one
    /// (an activation that took a new epoch writes it there, not here).
    /// </summary>
    [Id(0)] public string Epoch { get; set; } = "";

    /// <summary>Newest <c>seq</c> stamped.</summary>
    [Id(1)] public long LastSeq { get; set; }

    /// <summary>Newest <c>seq</c> ever trimmed by the history bounds.</summary>
    [Id(2)] public long TrimmedThroughSeq { get; set; }

    /// <summary>Newest <c>seq</c> removed by <c>clear-logs</c>.</summary>
    [Id(3)] public long ClearedThroughSeq { get; set; }

    /// <summary>Retained events, oldest first.</summary>
    [Id(4)] public List<Contracts.StoredEvent> Events { get; set; } = [];

    /// <summary>
    /// Read only when there is no <see cref="SessionMark"/> (state written before marks existed): true meant an
    /// activation was running, so one that finds it true takes a new epoch. Snapshots are written true.
    /// </summary>
    [Id(5)] public bool Open { get; set; }

    /// <summary>
    /// Number of the first <see cref="HistorySegment"/> written after this snapshot; segments from it upward
    /// (until one is missing) extend <see cref="Events"/>. Zero in state written before segments existed.
    /// </summary>
    [Id(6)] public long FirstSegment { get; set; }
}
