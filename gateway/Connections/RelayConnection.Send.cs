using System.Net.WebSockets;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    private readonly List<(Outbound Item, bool IsEvent)> _held = [];
    private long _queuedBytes;
    private long _heldBytes;
    private bool _holding;
    private long _skipThroughSeq;
    private Timer? _graceTimer;

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

    /// <summary>Queues a frame the gateway itself answers with; never held, never dropped.</summary>
    private void Send(byte[] payload)
    {
        lock (_gate)
        {
            EnqueueLocked(new Outbound(payload, 0), isEvent: false);
        }
    }

    private void StartHolding()
    {
        lock (_gate)
        {
            _holding = true;
        }

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
            // Events the recovery replay already carried arrive again live; each seq goes out once.
            if (item.Seq <= _skipThroughSeq)
            {
                return;
            }

            _skipThroughSeq = 0;
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

                    await _socket.SendAsync(item.Payload, WebSocketMessageType.Text, endOfMessage: true, token);
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
