using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// Events a session appended to storage after its last snapshot (<see cref="SessionState"/>): one record
/// per flush, holding only what was new since the one before.
/// </summary>
[GenerateSerializer, Alias("rt.HistorySegment")]
public sealed class HistorySegment
{
    /// <summary>Newest <c>seq</c> stamped when the segment was written.</summary>
    [Id(0)] public long LastSeq { get; set; }

    /// <summary>Newest <c>seq</c> trimmed by the history bounds when the segment was written.</summary>
    [Id(1)] public long TrimmedThroughSeq { get; set; }

    /// <summary>Events stamped since the previous segment (or snapshot) and still retained, oldest first.</summary>
    [Id(2)] public List<StoredEvent> Events { get; set; } = [];
}
