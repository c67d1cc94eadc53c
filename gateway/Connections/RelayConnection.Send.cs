using System.Net.WebSockets;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    private readonly List<(Outbound Item, bool IsEvent)> _held = [];
    private long _queuedBytes;
    private long _heldBytes;
    private bool _holding;
    private long _lastEventSeq;
    private long _entitledAfterSeq;
    private string _epoch = "";
    private Timer? _graceTimer;

    /// <summary>Bytes waiting in this connection's send queue (metrics).</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>
    /// Takes a frame from the session (any thread). Until the connection's <c>connection-init</c> has been
    /// handled (or the grace period ends) frames wait, so that a recovery replay goes out first.
    /// </summary>
    public void Deliver(Delivery delivery)
    {
        if (delivery.Kind == DeliveryKind.Overflow)
        {
            RequestSlowConsumerClose();
            return;
        }

        var item = new Outbound(delivery.Payload, delivery.Seq);
        var isEvent = delivery.Kind == DeliveryKind.Event;
        lock (_gate)
        {
            if (_holding)
            {
                _held.Add((item, isEvent));
                _heldBytes += item.Payload.Length;
                if (_heldBytes - item.Payload.Length > _services.Options.SendQueueBytes)
                {
                    RequestSlowConsumerClose();
                }

                return;
            }

            EnqueueLocked(item, isEvent);
        }
    }

    /// <summary>
    /// What this gateway's renewal tells the session about this connection: the epoch its client was acked with,
    /// and the <c>seq</c> through which every event meant for it has been queued. Null before the first ack and
    /// once closing (the connection is about to leave; it must not be renewed back in).
    /// </summary>
    public Subscription? Subscription
    {
        get
        {
            lock (_gate)
            {
                return _epoch.Length == 0 || _close is not null
                    ? null
                    : new Subscription(Member, _epoch, Math.Max(_lastEventSeq, _entitledAfterSeq));
            }
        }
    }

    /// <summary>
    /// Records the epoch and newest <c>seq</c> of an ack (caller holds the lock): the connection is owed every
    /// later event.
    /// </summary>
    private void AckedLocked(string epoch, long lastSeq, bool replayed)
    {
        if (!string.Equals(epoch, _epoch, StringComparison.Ordinal))
        {
            // A new epoch numbers its events afresh; what was queued under the old one says nothing.
            _lastEventSeq = 0;
            _entitledAfterSeq = lastSeq;
        }
        else if (replayed)
        {
            _entitledAfterSeq = Math.Max(_entitledAfterSeq, lastSeq);
        }

        _epoch = epoch;
    }

    /// <summary>Queues a frame the gateway itself answers with; never held, never dropped.</summary>
    private void Send(byte[] payload)
    {
        lock (_gate)
        {
            EnqueueLocked(new Outbound(payload, 0), isEvent: false);
        }
    }

    /// <summary>Holds frames from the session until the first ack is queued, so nothing can go out before it.</summary>
    private void HoldUntilAck()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    private void StartHolding()
    {
        _graceTimer = new Timer(static state => ((RelayConnection)state!).ReleaseHeld(null), this,
            _services.Options.InitGracePeriod, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends holding: optional replay and ack first, then held frames newer than the replay.</summary>
    private void ReleaseHeld(Action? writeFirst)
    {
        lock (_gate)
        {
            if (!_holding && writeFirst is null)
            {
                return;
            }

            writeFirst?.Invoke();
            _holding = false;
            foreach (var (item, isEvent) in _held)
            {
                EnqueueLocked(item, isEvent);
            }

            _held.Clear();
            _heldBytes = 0;
        }

        // Its work is done; an idle connection should not keep a timer alive.
        Interlocked.Exchange(ref _graceTimer, null)?.Dispose();
    }

    private void EnqueueLocked(Outbound item, bool isEvent)
    {
        if (isEvent)
        {
            // Within an epoch a connection's events come in seq order, so anything not newer is a second copy
            // (live after a recovery replay, or a session's replay after it lost its roster): each seq goes out once.
            if (item.Seq <= _lastEventSeq)
            {
                return;
            }

            _lastEventSeq = item.Seq;
        }

        var queued = Interlocked.Add(ref _queuedBytes, item.Payload.Length);
        var limit = _services.Options.SendQueueBytes;

        // Events past the bound close the socket (the client recovers from history); the relay's own
        // answers are allowed past it, up to a hard ceiling that still bounds memory. The bound is on what
        // waits ahead of a frame: a maxMessageSize event plus its stamp is larger than the default bound.
        if (queued - item.Payload.Length > (isEvent ? limit : limit * 4))
        {
            Interlocked.Add(ref _queuedBytes, -item.Payload.Length);
            RequestSlowConsumerClose();
            return;
        }

        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Add(ref _queuedBytes, -item.Payload.Length);
        }
    }

    private void RequestSlowConsumerClose()
    {
        var queued = Interlocked.Read(ref _queuedBytes);
        LogSlowConsumer(SessionId, ConnectionId, queued);
        RequestClose(CloseCodes.SlowConsumer, "slow consumer: reconnect with lastSeq to recover", discardQueued: true);
    }

    private async Task SendLoopAsync()
    {
        var token = _abort.Token;
        try
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(token))
            {
                while (reader.TryRead(out var item))
                {
                    Interlocked.Add(ref _queuedBytes, -item.Payload.Length);
                    if (_discardQueued)
                    {
                        continue;
                    }

                    var bytes = _dialect is null || item.Translated ? item.Payload : _dialect.Outbound(item.Payload);
                    if (bytes is null)
                    {
                        continue;
                    }

                    await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, token);
                    _services.Metrics.Sent(bytes);
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var (code, reason) = _close ?? (CloseCodes.Normal, "");
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer vanished or the close timed out: the socket is aborted, the receive loop ends too.
            _socket.Abort();
        }
    }
}
