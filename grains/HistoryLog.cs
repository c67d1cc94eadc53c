using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace RapidTriage.Grains;

/// <summary>
/// The segments a session appends to grain storage between snapshots. A flush writes one segment with the
/// events new since the last one, so a busy session's flush costs what it received, not all it retains.
/// Segments are numbered from the snapshot's <see cref="SessionState.FirstSegment"/> with no gaps: a failed
/// write is retried under the same number (with everything the failed one held), and loading reads numbers
/// upward until one is missing. A new snapshot moves the first number past every segment written, then
/// deletes them.
/// </summary>
internal sealed partial class HistoryLog(IGrainStorage store, GrainId grainId, HistoryOptions options, ILogger logger)
{
    /// <summary>Segment records are named <c>{prefix}{number}</c> in the session storage provider.</summary>
    public const string StateNamePrefix = "session-history-";

    /// <summary>ETags of the segments since the snapshot (and of any found on loading), by number.</summary>
    private readonly Dictionary<long, string?> _segments = [];
    private long _segmentBytes;

    /// <summary>The number the next appended segment gets.</summary>
    public long Next { get; private set; }

    /// <summary>Newest <c>seq</c> already in storage (snapshot or segment).</summary>
    public long PersistedThroughSeq { get; private set; }

    /// <summary>
    /// True when the next flush should write a snapshot instead: the segments are <see cref="HistoryOptions.MaxSegments"/>
    /// or hold more than <see cref="HistoryOptions.MaxSegmentBytesRatio"/> times the retained history.
    /// </summary>
    public bool SnapshotDue(long historyBytes) =>
        _segments.Count >= options.MaxSegments
        || _segmentBytes > options.MaxSegmentBytesRatio * Math.Max(historyBytes, 1);

    /// <summary>
    /// Reads the segments written after the snapshot, from <paramref name="first"/> up to the first number missing.
    /// They stay (and count towards <see cref="SnapshotDue"/>) until a later flush writes a snapshot; appends go on
    /// after them, with what is newer than <paramref name="snapshotSeq"/> and every segment read.
    /// </summary>
    public async Task<List<HistorySegment>> LoadAsync(long first, long snapshotSeq)
    {
        var found = new List<HistorySegment>();
        PersistedThroughSeq = snapshotSeq;
        for (var number = first; ; number++)
        {
            var state = new GrainState<HistorySegment>();
            await store.ReadStateAsync(StateName(number), grainId, state);
            if (!state.RecordExists || state.State is null)
            {
                Next = number;
                return found;
            }

            _segments[number] = state.ETag;
            PersistedThroughSeq = Math.Max(PersistedThroughSeq, state.State.LastSeq);
            foreach (var item in state.State.Events)
            {
                _segmentBytes += item.Payload.Length;
            }

            found.Add(state.State);
        }
    }

    /// <summary>
    /// Appends the retained events stamped after <see cref="PersistedThroughSeq"/> as segment <see cref="Next"/>.
    /// Takes its copy of the events before the first await, so later turns may go on adding.
    /// </summary>
    public async Task AppendAsync(SessionHistory history, long lastSeq)
    {
        var (events, _) = history.Query([], PersistedThroughSeq, int.MaxValue);
        var number = Next;
        var segment = new HistorySegment { LastSeq = lastSeq, TrimmedThroughSeq = history.TrimmedThroughSeq, Events = [.. events] };
        var state = new GrainState<HistorySegment>(segment) { ETag = _segments.GetValueOrDefault(number) };
        try
        {
            await store.WriteStateAsync(StateName(number), grainId, state);
        }
        catch (InconsistentStateException)
        {
            // An earlier attempt at this number landed after all (it reported a failure): this one holds
            // everything that one did, so write over it.
            var current = new GrainState<HistorySegment>();
            await store.ReadStateAsync(StateName(number), grainId, current);
            state.ETag = current.ETag;
            await store.WriteStateAsync(StateName(number), grainId, state);
        }
        finally
        {
            // Kept even when the write failed: a retry under this number then knows which record it replaces.
            _segments[number] = state.ETag;
        }

        foreach (var item in events)
        {
            _segmentBytes += item.Payload.Length;
        }

        Next = number + 1;
        PersistedThroughSeq = lastSeq;
    }

    /// <summary>
    /// After a snapshot holding everything through <paramref name="throughSeq"/> was written with
    /// <see cref="SessionState.FirstSegment"/> = <see cref="Next"/> (no append runs meanwhile): no segment
    /// written so far is read again; deletes them (best effort: one that stays is never read again either).
    /// </summary>
    public async Task SnapshotWrittenAsync(long throughSeq)
    {
        PersistedThroughSeq = throughSeq;
        _segmentBytes = 0;
        var stale = _segments.ToList();
        _segments.Clear();
        await Task.WhenAll(stale.Select(s => DeleteAsync(s.Key, s.Value)));
    }

    private async Task DeleteAsync(long number, string? etag)
    {
        try
        {
            await store.ClearStateAsync(StateName(number), grainId, new GrainState<HistorySegment> { ETag = etag, RecordExists = true });
        }
        catch (Exception ex)
        {
            LogDeleteFailed(ex, grainId, number);
        }
    }

    private static string StateName(long number) => StateNamePrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainId}: deleting history segment {Number} failed; it stays in storage but is never read again")]
    private partial void LogDeleteFailed(Exception ex, GrainId grainId, long number);
}
