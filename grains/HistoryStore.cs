using Microsoft.Extensions.Logging;
using Orleans.Storage;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// A session's history and everything about it that is persisted: the epoch, <c>seq</c>, the retained events, the
/// ids of acknowledged events, and how they reach grain storage. Activation reads the snapshot and the segments
/// after it, takes a new epoch if the last activation did not close cleanly, and durably marks the session open
/// (<see cref="SessionMark"/>, a small write) before anything is served. After that, writes follow new events only:
/// a changed session writes a segment (now and then a snapshot, <see cref="HistoryLog"/>) after the interval
/// <see cref="FlushBudget"/> gives it, and a session with nothing new writes nothing and holds no timer. A silo
/// crash loses at most what arrived within <see cref="HistoryOptions.MaxFlushInterval"/>, and the next activation
/// then finds the mark open and changes the epoch.
/// </summary>
internal sealed partial class HistoryStore
{
    /// <summary>The snapshot's record name in the session storage provider.</summary>
    public const string SnapshotName = "session";

    /// <summary>The open mark's record name in the session storage provider.</summary>
    public const string MarkName = "session-mark";

    private readonly IGrainStorage _store;
    private readonly GrainId _grainId;
    private readonly string _sessionId;
    private readonly HistoryOptions _options;
    private readonly FlushBudget _budget;
    private readonly SessionMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly SessionAlarm _alarm;
    private readonly ILogger _logger;
    private readonly SessionHistory _events;
    private readonly RecentAcks _acks;
    private readonly HistoryLog _log;
    private string? _snapshotETag;
    private string? _markETag;
    private bool _dirty;
    private bool _closing;

    /// <summary>Counted in <see cref="FlushBudget.DirtySessions"/>: dirty, or a write under way.</summary>
    private bool _counted;

    /// <summary>The next flush writes a snapshot, not a segment (after clear-logs or a failed snapshot).</summary>
    private bool _snapshotDue;
    private Task _flush = Task.CompletedTask;
    private long _lastFlush;
    private long _reportedBytes;

    public HistoryStore(IGrainStorage store, GrainId grainId, string sessionId, SessionOptions options, FlushBudget budget,
        SessionMetrics metrics, TimeProvider time, SessionAlarm alarm, ILogger logger)
    {
        _store = store;
        _grainId = grainId;
        _sessionId = sessionId;
        _options = options.History;
        _budget = budget;
        _metrics = metrics;
        _time = time;
        _alarm = alarm;
        _logger = logger;
        _events = new SessionHistory(options.History);
        _acks = new RecentAcks(options.PublishAck, time);
        _log = new HistoryLog(store, grainId, options.History, logger);
    }

    public string Epoch { get; private set; } = "";

    /// <summary>Newest <c>seq</c> stamped.</summary>
    public long LastSeq { get; private set; }

    /// <summary>Newest <c>seq</c> removed by <c>clear-logs</c>: a recovery from before it cannot be exact (<see cref="Gap"/>).</summary>
    public long ClearedThroughSeq { get; private set; }

    public int Count => _events.Count;

    /// <summary>Whether history is written while the session runs (local mode writes only on deactivation).</summary>
    private bool WritesBehind => _options.FlushInterval != TimeSpan.MaxValue;

    /// <summary>
    /// Reads what storage holds, decides the epoch and marks the session open. Throws when the mark cannot be
    /// written: the activation fails, and nothing is served under an epoch a crash could silently break.
    /// </summary>
    public async Task LoadAsync()
    {
        var mark = new GrainState<SessionMark>();
        var snapshot = new GrainState<SessionState>();
        await Task.WhenAll(_store.ReadStateAsync(MarkName, _grainId, mark), _store.ReadStateAsync(SnapshotName, _grainId, snapshot));
        _markETag = mark.ETag;
        _snapshotETag = snapshot.ETag;
        var saved = snapshot.RecordExists ? snapshot.State : null;
        var senders = new Dictionary<string, string>(StringComparer.Ordinal);
        if (saved is not null)
        {
            foreach (var item in saved.Events)
            {
                _events.Add(OneSenderString(item, senders));
            }

            _events.TrimmedThroughSeq = Math.Max(_events.TrimmedThroughSeq, saved.TrimmedThroughSeq);
            LastSeq = saved.LastSeq;
            ClearedThroughSeq = saved.ClearedThroughSeq;
        }

        foreach (var segment in await _log.LoadAsync(saved?.FirstSegment ?? 0, LastSeq))
        {
            // A segment rewritten after a failure may repeat what an earlier one holds.
            foreach (var item in segment.Events.Where(e => e.Seq > LastSeq))
            {
                _events.Add(OneSenderString(item, senders));
            }

            _events.TrimmedThroughSeq = Math.Max(_events.TrimmedThroughSeq, segment.TrimmedThroughSeq);
            LastSeq = Math.Max(LastSeq, segment.LastSeq);
        }

        // Acknowledged ids survive a move to another silo while their events are retained.
        foreach (var item in _events.Snapshot().Where(e => e.AckId is not null))
        {
            _acks.Add(item.AckId!, item.Seq);
        }

        var (epoch, wasOpen) = mark.RecordExists && mark.State is { } found
            ? (found.Epoch, found.Open)
            : (saved?.Epoch ?? "", saved?.Open ?? false);
        if (wasOpen || string.IsNullOrEmpty(epoch))
        {
            // A session that is new, or whose last activation died between flushes: events after the last
            // flush may have reached clients and be gone, so no old epoch may claim an exact recovery.
            if (wasOpen)
            {
                LogUncleanRestart(_sessionId, epoch, LastSeq);
            }

            epoch = Guid.NewGuid().ToString("N")[..16];
        }

        Epoch = epoch;
        await WriteMarkAsync(open: true);
        _lastFlush = _time.GetTimestamp();
        _metrics.HistoryBytes(ref _reportedBytes, _events.Bytes);
        LogActivated(_sessionId, Epoch, LastSeq, _events.Count);
    }

    /// <summary>
    /// The event with the sender string the other events read from storage share (each was deserialized with its own).
    /// </summary>
    private static StoredEvent OneSenderString(StoredEvent item, Dictionary<string, string> senders)
    {
        if (item.Sender is null)
        {
            return item;
        }

        if (!senders.TryGetValue(item.Sender, out var shared))
        {
            senders.Add(item.Sender, item.Sender);
            return item;
        }

        return ReferenceEquals(shared, item.Sender) ? item : item with { Sender = shared };
    }

    /// <summary>
    /// Writes what is not written yet and marks the session closed. When that fails the mark stays open, so the
    /// next activation takes a new epoch: nothing is claimed that storage does not hold.
    /// </summary>
    public async Task CloseAsync()
    {
        _closing = true;
        _alarm.Disarm();
        _metrics.HistoryBytes(ref _reportedBytes, 0);
        await _flush;
        try
        {
            if (_dirty)
            {
                await (_flush = FlushAsync());
            }

            if (!_dirty)
            {
                await WriteMarkAsync(open: false);
            }
        }
        catch (Exception ex)
        {
            // (In local mode the in-memory store may already be gone at shutdown.)
            LogFinalWriteFailed(ex, _sessionId);
        }
        finally
        {
            if (_counted)
            {
                _counted = false;
                _budget.Cleaned();
            }
        }
    }

    /// <summary>
    /// Stamps an event with the next <c>seq</c> and keeps it; a resent acknowledged id is a duplicate with the
    /// <c>seq</c> it got first; an event of one type too many is refused.
    /// </summary>
    /// <param name="envelope">The event.</param>
    /// <param name="sender">Its sender's connection id as the roster holds it (one string for all its events).</param>
    public (PublishResult Result, StoredEvent? Stored) Append(InboundEnvelope envelope, string sender)
    {
        if (envelope.Ack && _acks.TryGet(envelope.Id, out var first))
        {
            _metrics.PublishDuplicate();
            return (new PublishResult(PublishStatus.Duplicate, first), null);
        }

        if (!_events.Accepts(envelope.Type))
        {
            return (new PublishResult(PublishStatus.TooManyTypes, 0), null);
        }

        var seq = ++LastSeq;
        var stored = new StoredEvent(seq, _events.TypeName(envelope.Type), WireJson.WithSeq(envelope.Payload, seq), sender,
            envelope.Ack ? envelope.Id : null);
        _events.Add(stored);
        if (envelope.Ack)
        {
            _acks.Add(envelope.Id, seq);
        }

        _metrics.HistoryBytes(ref _reportedBytes, _events.Bytes);
        Changed();
        return (new PublishResult(PublishStatus.Accepted, seq), stored);
    }

    /// <summary><c>clear-logs</c>: forgets every event; a recovery from before now is no longer exact.</summary>
    public void Clear()
    {
        _events.Clear();
        _metrics.HistoryBytes(ref _reportedBytes, 0);
        ClearedThroughSeq = LastSeq;

        // Segments hold events from before the clear: only a snapshot leaves them behind.
        _snapshotDue = true;
        Changed();
    }

    /// <summary>
    /// Why the events after <paramref name="afterSeq"/> (of <paramref name="epoch"/>) are not all in history, or null
    /// when they are: a replay from there is exact.
    /// </summary>
    public string? Gap(long afterSeq, string? epoch)
    {
        if (!string.Equals(epoch, Epoch, StringComparison.Ordinal))
        {
            return RecoveryReasons.EpochMismatch;
        }

        if (afterSeq > LastSeq || afterSeq < 0)
        {
            return RecoveryReasons.UnknownSeq;
        }

        if (afterSeq < ClearedThroughSeq)
        {
            return RecoveryReasons.Cleared;
        }

        return afterSeq < _events.TrimmedThroughSeq ? RecoveryReasons.HistoryTruncated : null;
    }

    public ReplayPage ReadReplay(ReplayRequest request)
    {
        if (Gap(request.AfterSeq, request.Epoch) is { } gap)
        {
            return new ReplayPage([], request.AfterSeq, LastSeq, gap);
        }

        var (events, through) = _events.Page(
            request.AfterSeq, request.ConnectionId, Math.Max(1, request.MaxEvents), Math.Max(1, request.MaxBytes), LastSeq);
        return new ReplayPage(events, through, LastSeq, null);
    }

    public HistoryPage Query(HistoryQuery query)
    {
        var types = query.Types.IsDefault ? [] : query.Types;
        var (events, hasMore) = query.Newest
            ? _events.QueryNewest(types, query.AfterSeq, query.Limit)
            : _events.Query(types, query.AfterSeq, query.Limit);
        return new HistoryPage(events, LastSeq, hasMore);
    }

    /// <summary>The flush timer fired: writes what changed, unless a write is still under way (it schedules the next).</summary>
    public void FlushDue()
    {
        if (_dirty && _flush.IsCompleted)
        {
            // Not awaited: the write overlaps later turns instead of stalling the session for its length.
            _lastFlush = _time.GetTimestamp();
            _flush = FlushAsync();
        }
    }

    /// <summary>History changed: counts the session as dirty on its silo and schedules its write.</summary>
    private void Changed()
    {
        _dirty = true;
        if (!_counted)
        {
            _counted = true;
            _budget.Dirtied();
        }

        Schedule(flushing: false);
    }

    /// <summary>Arms the flush timer for <see cref="FlushBudget.Interval"/> after the last write started.</summary>
    private void Schedule(bool flushing)
    {
        if (!WritesBehind || _closing || _alarm.Armed || (!flushing && !_flush.IsCompleted))
        {
            return;
        }

        _alarm.Arm(_budget.Interval - _time.GetElapsedTime(_lastFlush));
    }

    private async Task FlushAsync()
    {
        _dirty = false;
        var snapshot = _snapshotDue || _log.SnapshotDue(_events.Bytes);
        _snapshotDue = false;
        try
        {
            if (snapshot)
            {
                await WriteSnapshotAsync();
            }
            else
            {
                await _log.AppendAsync(_events, LastSeq);
            }
        }
        catch (Exception ex)
        {
            _dirty = true;
            _snapshotDue |= snapshot;
            LogFlushFailed(ex, _sessionId);
        }

        if (!_dirty && _counted)
        {
            _counted = false;
            _budget.Cleaned();
        }
        else if (_dirty)
        {
            // Changed meanwhile, or the write failed: the next write waits its interval from this one's start. (This
            // task is not complete yet, but it is by the time the alarm's turn runs.)
            Schedule(flushing: true);
        }
    }

    /// <summary>Writes the whole history as the new snapshot, then deletes the segments it replaces.</summary>
    private async Task WriteSnapshotAsync()
    {
        var throughSeq = LastSeq;
        var state = new GrainState<SessionState>(new SessionState
        {
            Epoch = Epoch,
            LastSeq = throughSeq,
            TrimmedThroughSeq = _events.TrimmedThroughSeq,
            ClearedThroughSeq = ClearedThroughSeq,
            Events = _events.Snapshot(),
            Open = true,
            FirstSegment = _log.Next,
        })
        { ETag = _snapshotETag, RecordExists = _snapshotETag is not null };
        await _store.WriteStateAsync(SnapshotName, _grainId, state);
        _snapshotETag = state.ETag;
        await _log.SnapshotWrittenAsync(throughSeq);
    }

    private async Task WriteMarkAsync(bool open)
    {
        var state = new GrainState<SessionMark>(new SessionMark { Epoch = Epoch, Open = open })
        {
            ETag = _markETag,
            RecordExists = _markETag is not null,
        };
        await _store.WriteStateAsync(MarkName, _grainId, state);
        _markETag = state.ETag;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} activated: epoch {Epoch}, lastSeq {LastSeq}, {Count} events in history")]
    private partial void LogActivated(string sessionId, string epoch, long lastSeq, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} was not closed cleanly (epoch {OldEpoch}, seq {LastSeq}); starting a new epoch")]
    private partial void LogUncleanRestart(string sessionId, string oldEpoch, long lastSeq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: the final state write failed; its next activation starts a new epoch")]
    private partial void LogFinalWriteFailed(Exception ex, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: writing state failed; will retry")]
    private partial void LogFlushFailed(Exception ex, string sessionId);
}
