using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// What one connection has been sent and what it is owed (docs/protocol.md section 5): the hold until its
/// <c>connection-init</c>, the replay, live delivery, and de-duplication, all by one position in the session's
/// history, the cursor. Every event up to the cursor was queued (or was not meant for this connection).
/// </summary>
/// <remarks>
/// <para>While the cursor is behind (holding for init, replaying a gap) live events are not kept: they are in
/// history anyway, so only the newest <c>seq</c> seen is noted. The replay reads pages of history as the socket
/// drains (<see cref="TryTake"/>), so it is never buffered whole and never counts against the send-queue bound, and
/// goes live once it has caught up with both the session and every event seen, so each event goes out once, in order.</para>
/// <para>A replay that runs into a gap (history trimmed or cleared under it, the session's history lost) closes the
/// socket: the client reconnects and its ack says what was lost, instead of silently missing events.</para>
/// <para>The send queue is drained on demand: enqueuing into an idle queue asks the connection to start sending
/// (<see cref="IDeliveryOwner.SendReady"/>), and the sender takes frames (<see cref="TryTake"/>) until none is left.
/// An idle connection has no send loop waiting and its queue holds no array.</para>
/// </remarks>
/// <param name="limits">Queue bound and grace period.</param>
/// <param name="time">Clock for the grace period.</param>
/// <param name="owner">Reads replay pages, closes the socket, starts the sender.</param>
internal sealed partial class DeliveryState(DeliveryLimits limits, TimeProvider time, IDeliveryOwner owner) : IDisposable
{
    private readonly Lock _gate = new();
    private SmallQueue<Outbound> _queue;
    private bool _sending;
    private bool _completed;
    private List<Outbound>? _heldMessages;
    private CancellationTokenSource? _stop;
    private DeliveryPhase _phase = DeliveryPhase.Opening;
    private string _epoch = "";
    private long _cursor;
    private long _sessionLastSeq;
    private long _newestSeen;
    private long _lastQueuedSeq;
    private long _queuedBytes;
    private long _heldBytes;
    private int _generation;
    private int _rewinds;
    private int _rewindsRead;
    private bool _initInFlight;
    private bool _graceOver;
    private long? _askedLastSeq;
    private bool _lateInit;
    private ITimer? _grace;
    private TaskCompletionSource? _room;

    /// <summary>Bytes waiting in the send queue.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public DeliveryPhase Phase
    {
        get
        {
            lock (_gate)
            {
                return _phase;
            }
        }
    }

    /// <summary>The epoch and cursor (for the gateway's renewal), or null before the first ack.</summary>
    public (string Epoch, long Seq)? Position
    {
        get
        {
            lock (_gate)
            {
                return _epoch.Length == 0 || _phase == DeliveryPhase.Closed ? null : (_epoch, _cursor);
            }
        }
    }

    /// <summary>
    /// The first ack was made: queues it and starts the hold. The client is owed every event after
    /// <paramref name="lastSeq"/>; they go out once the hold ends (init, a first other message, or the grace period).
    /// </summary>
    public void Opened(byte[] ack, string epoch, long lastSeq)
    {
        lock (_gate)
        {
            EnqueueLocked(new Outbound(ack, 0), bound: long.MaxValue);
            _epoch = epoch;
            _cursor = lastSeq;
            _sessionLastSeq = lastSeq;
            _phase = DeliveryPhase.Holding;
            _grace = time.CreateTimer(static state => ((DeliveryState)state!).GraceOver(), this, limits.InitGrace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Takes a frame from the session (any thread).</summary>
    public void Deliver(Delivery delivery)
    {
        if (delivery.Kind == DeliveryKind.Overflow)
        {
            owner.CloseForDelivery(CloseCodes.SlowConsumer, "slow consumer: reconnect with lastSeq to recover");
            return;
        }

        if (delivery.Kind == DeliveryKind.Rewind)
        {
            Rewind();
            return;
        }

        var item = new Outbound(delivery.Payload, delivery.Seq);
        lock (_gate)
        {
            if (delivery.Kind == DeliveryKind.Message)
            {
                if (_phase is DeliveryPhase.Opening or DeliveryPhase.Holding)
                {
                    // Presence, commands and answers are not in history: they wait, few and small, for the hold to end.
                    (_heldMessages ??= []).Add(item);
                    _heldBytes += item.Payload.Length;
                    if (_heldBytes - item.Payload.Length > MessageCeiling)
                    {
                        owner.CloseForDelivery(CloseCodes.SlowConsumer, "slow consumer: reconnect with lastSeq to recover");
                    }
                }
                else
                {
                    EnqueueLocked(item, MessageCeiling);
                }

                return;
            }

            if (_phase != DeliveryPhase.Live)
            {
                // In history anyway: the cursor sends it when it gets there.
                _newestSeen = Math.Max(_newestSeen, delivery.Seq);
                return;
            }

            // Within an epoch events arrive in seq order: anything not newer was sent already (by the replay, or
            // twice by a session that rebuilt its roster).
            if (delivery.Seq <= _cursor)
            {
                return;
            }

            _cursor = delivery.Seq;
            _lastQueuedSeq = delivery.Seq;
            EnqueueLocked(item, limits.QueueBytes);
        }
    }

    /// <summary>
    /// The session put this connection back into a roster it had lost: events stamped meanwhile were delivered to
    /// nobody on its behalf, so the cursor must read history before going (or staying) live.
    /// </summary>
    public void Rewind()
    {
        lock (_gate)
        {
            _rewinds++;
            if (_phase == DeliveryPhase.Live)
            {
                StartReplayLocked();
            }
        }
    }

    /// <summary>Enqueues a frame the gateway answers with itself; never held, never dropped.</summary>
    public void EnqueueControl(byte[] payload, bool translated = false)
    {
        lock (_gate)
        {
            EnqueueLocked(new Outbound(payload, 0, translated), MessageCeiling);
        }
    }

    /// <summary>A first message that is not <c>connection-init</c>: the client is not about to ask for a recovery.</summary>
    public void OtherMessage()
    {
        lock (_gate)
        {
            if (_phase == DeliveryPhase.Holding && !_initInFlight)
            {
                ReleaseLocked();
            }
        }
    }

    /// <summary>
    /// <c>connection-init</c> is about to call the session; the hold lasts until <see cref="CompleteInit"/> or
    /// <see cref="InitFailed"/>, whatever the grace period says. Returns the <c>lastSeq</c> to ask the session to
    /// recover from: null when none was given, or when it is too late (newer events already went out).
    /// </summary>
    public long? BeginInit(long? lastSeq)
    {
        lock (_gate)
        {
            _initInFlight = true;
            _lateInit = false;
            if (_phase is not (DeliveryPhase.Opening or DeliveryPhase.Holding) && lastSeq is { } asked)
            {
                if (_lastQueuedSeq > asked)
                {
                    _lateInit = true;
                    _askedLastSeq = null;
                    return null;
                }

                // Nothing newer than the client's lastSeq went out yet: hold again, and the replay can still come first.
                _phase = DeliveryPhase.Holding;
                _generation++;
                _graceOver = true;
            }

            _askedLastSeq = lastSeq;
            return lastSeq;
        }
    }

    /// <summary>
    /// The session answered <c>connection-init</c>: queues the second ack (made by <paramref name="ack"/> from
    /// <c>recovered</c> and <c>reason</c>), then the replay from where the client asked (or from where the hold began),
    /// then live events.
    /// </summary>
    public void CompleteInit(InitResult result, bool askedLastSeq, Func<bool?, string?, byte[]> ack)
    {
        lock (_gate)
        {
            _initInFlight = false;
            if (_lateInit)
            {
                EnqueueLocked(new Outbound(ack(askedLastSeq ? false : null, askedLastSeq ? RecoveryReasons.LateInit : null), 0), MessageCeiling);
                return;
            }

            EnqueueLocked(new Outbound(ack(result.Recovered, result.Reason), 0), MessageCeiling);
            if (result.Recovered == true && _askedLastSeq is { } from)
            {
                _cursor = from;
                _epoch = result.Epoch;
            }
            else if (!string.Equals(result.Epoch, _epoch, StringComparison.Ordinal))
            {
                // The session's history was lost since the first ack: its seq numbers start over from here.
                _cursor = result.LastSeq;
                _lastQueuedSeq = 0;
                _newestSeen = 0;
                _epoch = result.Epoch;
            }

            _sessionLastSeq = Math.Max(_sessionLastSeq, result.LastSeq);
            if (_phase is DeliveryPhase.Opening or DeliveryPhase.Holding)
            {
                ReleaseLocked();
            }
        }
    }

    /// <summary>The session call for <c>connection-init</c> failed: the hold ends if its grace period ran out meanwhile.</summary>
    public void InitFailed()
    {
        lock (_gate)
        {
            _initInFlight = false;
            if (_graceOver && _phase == DeliveryPhase.Holding)
            {
                ReleaseLocked();
            }
        }
    }

    /// <summary>
    /// Takes the next frame to send. <see cref="QueueTake.Empty"/>: the sender stops, and the next frame enqueued
    /// asks for it again; <see cref="QueueTake.Closed"/>: the connection is closing and everything queued was taken.
    /// </summary>
    public QueueTake TryTake(out Outbound item)
    {
        lock (_gate)
        {
            if (!_queue.TryDequeue(out item))
            {
                if (_completed)
                {
                    return QueueTake.Closed;
                }

                _sending = false;
                return QueueTake.Empty;
            }
        }

        var queued = Interlocked.Add(ref _queuedBytes, -item.Payload.Length);
        if (queued <= limits.LowWater && Volatile.Read(ref _room) is not null)
        {
            Interlocked.Exchange(ref _room, null)?.TrySetResult();
        }

        return QueueTake.Frame;
    }

    /// <summary>The connection is closing: nothing more is queued (the sender ends after what is); a replay in progress stops.</summary>
    public void Complete()
    {
        CancellationTokenSource? stop;
        lock (_gate)
        {
            _phase = DeliveryPhase.Closed;
            _generation++;
            stop = _stop;
            if (!_completed)
            {
                _completed = true;
                WakeSenderLocked();
            }
        }

        Interlocked.Exchange(ref _room, null)?.TrySetResult();
        try
        {
            stop?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _grace?.Dispose();
            _stop?.Dispose();
        }
    }

    /// <summary>Frames the relay makes (answers, presence) may pass the bound up to this ceiling, which still bounds memory.</summary>
    private long MessageCeiling => limits.QueueBytes * 4;

    private void GraceOver()
    {
        lock (_gate)
        {
            _graceOver = true;
            if (_phase == DeliveryPhase.Holding && !_initInFlight)
            {
                ReleaseLocked();
            }
        }
    }

    /// <summary>Enqueues a frame unless more than <paramref name="bound"/> bytes wait ahead of it (then: 4108).</summary>
    private void EnqueueLocked(Outbound item, long bound)
    {
        if (_completed)
        {
            return;
        }

        var queued = Interlocked.Add(ref _queuedBytes, item.Payload.Length);

        // The bound is on what waits ahead of a frame: a maxMessageSize event plus its stamp is larger than the default bound.
        if (queued - item.Payload.Length > bound)
        {
            Interlocked.Add(ref _queuedBytes, -item.Payload.Length);
            owner.CloseForDelivery(CloseCodes.SlowConsumer, "slow consumer: reconnect with lastSeq to recover");
            return;
        }

        _queue.Enqueue(item);
        WakeSenderLocked();
    }

    /// <summary>Asks the connection to start sending unless it is already.</summary>
    private void WakeSenderLocked()
    {
        if (!_sending)
        {
            _sending = true;
            owner.SendReady();
        }
    }
}
