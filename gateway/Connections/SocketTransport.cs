using System.Buffers;
using System.Net.WebSockets;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// One client's WebSocket and nothing else: the receive loop (assembling messages, capping their size), the
/// sends (the socket's only writer), and the close handshake. Sending runs on demand: a frame enqueued into an
/// idle queue schedules one drain on the thread pool, which sends until the queue is empty and ends, so an idle
/// socket has no send loop, no waiter and no timer. A close that does not complete within its timeout aborts the socket.
/// </summary>
internal sealed class SocketTransport(WebSocket socket, ISocketOwner owner, TimeProvider time) : IThreadPoolWorkItem, IDisposable
{
    private const int InitialReceiveBuffer = 4 * 1024;

    private ITimer? _closeTimer;
    private TaskCompletionSource? _sendEnded;
    private int _sendEndedFlag;

    /// <summary>
    /// Reads messages and hands them on, in order, until the client closes or the socket ends. Between messages
    /// it holds no buffer: a zero-byte read waits for the next one (an idle socket costs no receive buffer).
    /// </summary>
    public async Task ReceiveAsync()
    {
        var max = owner.MaxFrameBytes;
        byte[]? buffer = null;
        var length = 0;
        var inMessage = false;
        var draining = false;
        try
        {
            while (true)
            {
                if (!inMessage)
                {
                    max = owner.MaxFrameBytes;
                }

                Memory<byte> target;
                if (buffer is null && !inMessage && !draining)
                {
                    target = Memory<byte>.Empty;
                }
                else
                {
                    buffer ??= ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    target = buffer.AsMemory(length);
                }

                // No cancellation token: the socket is aborted instead (close timeout), which ends this read too.
                var result = await socket.ReceiveAsync(target, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    owner.PeerClosed(socket.CloseStatus is { } status ? (int)status : CloseCodes.Normal, socket.CloseStatusDescription ?? "");
                    return;
                }

                if (draining)
                {
                    // Closing: read until the peer answers the close, but act on nothing.
                    length = 0;
                    continue;
                }

                inMessage = !result.EndOfMessage;

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await owner.ReceivedAsync(Inbound.Close(CloseCodes.UnsupportedData, "binary frames are not supported; send UTF-8 JSON text"));
                    draining = true;
                    length = 0;
                    continue;
                }

                length += result.Count;
                if (length > max)
                {
                    await owner.ReceivedAsync(Inbound.Close(CloseCodes.MessageTooBig, $"message larger than maxMessageSize ({max} bytes)"));
                    draining = true;
                    length = 0;
                    continue;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                // The message's buffer now belongs to the owner, which returns it to the pool.
                var frame = buffer ?? [];
                buffer = null;
                await owner.ReceivedAsync(Inbound.Frame(frame, length));
                length = 0;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A vanished peer or an aborted close: a normal end for a socket.
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Frames wait and no drain runs (see <see cref="IDeliveryOwner.SendReady"/>): schedules one.</summary>
    public void SendReady() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>
    /// The connection is closing: once what is queued was sent (or discarded) the close frame follows; a socket that
    /// has not finished closing within <paramref name="timeout"/> is aborted.
    /// </summary>
    public void BeginClose(TimeSpan timeout)
    {
        var timer = time.CreateTimer(static state => ((SocketTransport)state!).Abort(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _closeTimer, timer, null) is null)
        {
            timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Dispose();
        }
    }

    /// <summary>Completes when the sending side is done: the close frame went out, or the socket is gone.</summary>
    public Task SendEndedAsync()
    {
        var ended = Interlocked.CompareExchange(ref _sendEnded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null)
            ?? _sendEnded!;
        if (Volatile.Read(ref _sendEndedFlag) != 0)
        {
            ended.TrySetResult();
        }

        return ended.Task;
    }

    /// <summary>Closes at once, before the connection started (a refused join): nothing was queued.</summary>
    public async Task CloseNowAsync(int code, string reason, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await socket.CloseAsync((WebSocketCloseStatus)code, reason, cancel.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    public void Abort() => socket.Abort();

    public void Dispose() => Interlocked.Exchange(ref _closeTimer, null)?.Dispose();

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    /// <summary>Sends what is queued, then ends (or sends the close frame when the queue is closed).</summary>
    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                switch (owner.TryTakeNext(out var bytes))
                {
                    case QueueTake.Frame:
                        if (bytes is not null)
                        {
                            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                            owner.Sent(bytes);
                        }

                        continue;
                    case QueueTake.Empty:
                        return;
                    default:
                        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        {
                            var (code, reason) = owner.CloseStatus;
                            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
                        }

                        EndSend();
                        return;
                }
            }
        }
        catch (Exception)
        {
            // The peer vanished or the close timed out (or a frame could not be made): the socket is aborted, and
            // the receive loop ends too.
            socket.Abort();
            EndSend();
        }
    }

    private void EndSend()
    {
        Interlocked.Exchange(ref _sendEndedFlag, 1);
        Volatile.Read(ref _sendEnded)?.TrySetResult();
    }
}
