using System.Net.WebSockets;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    /// <summary>Bytes waiting in this connection's send queue (metrics).</summary>
    public long QueuedBytes => _delivery.QueuedBytes;

    /// <summary>
    /// What this gateway's renewal tells the session about this connection: the epoch its client was acked with,
    /// and the <c>seq</c> through which every event meant for it has been queued (its delivery cursor). Null before
    /// the first ack and once closing (the connection is about to leave; it must not be renewed back in).
    /// </summary>
    public Subscription? Subscription
    {
        get
        {
            lock (_gate)
            {
                if (_close is not null)
                {
                    return null;
                }
            }

            return _delivery.Position is { } position ? new Subscription(Member, position.Epoch, position.Seq) : null;
        }
    }

    /// <summary>Takes a frame from the session (any thread); <see cref="DeliveryState"/> decides when it goes out.</summary>
    public void Deliver(Delivery delivery)
    {
        if (delivery.RosterSize > 0)
        {
            Volatile.Write(ref _rosterSize, delivery.RosterSize);
        }

        _delivery.Deliver(delivery);
    }

    /// <summary>Queues a frame the gateway itself answers with; never held, never dropped.</summary>
    private void Send(byte[] payload) => _delivery.Control(payload);

    /// <summary>The delivery state gave up on this socket (slow consumer, a replay that cannot complete).</summary>
    private void CloseForDelivery(int code, string reason)
    {
        if (code == CloseCodes.SlowConsumer)
        {
            LogSlowConsumer(SessionId, ConnectionId, _delivery.QueuedBytes);
        }

        RequestClose(code, reason, discardQueued: true);
    }

    private async Task SendLoopAsync()
    {
        var token = _abort.Token;
        try
        {
            var reader = _delivery.Reader;
            while (await reader.WaitToReadAsync(token))
            {
                while (reader.TryRead(out var item))
                {
                    _delivery.Taken(item);
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
