using System.Buffers;
using System.Net.WebSockets;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    private const int InitialReceiveBuffer = 4 * 1024;

    /// <summary>
    /// Reads frames and hands them, in order, to the publish loop; it never waits on the session, so a
    /// burst of frames reaches the session as one call. Between frames it holds no buffer: a zero-byte
    /// read waits for the next one (an idle socket costs no receive buffer).
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        var usualMax = _services.Options.MaxMessageSize;
        var max = usualMax;
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
                    max = _dialect?.MaxFrameBytes ?? usualMax;
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

                var result = await _socket.ReceiveAsync(target, _abort.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var code = _socket.CloseStatus is { } status ? (int)status : CloseCodes.Normal;
                    RequestClose(code, _socket.CloseStatusDescription ?? "", discardQueued: true);
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
                    await HandOnAsync(Inbound.Close(CloseCodes.UnsupportedData, "binary frames are not supported; send UTF-8 JSON text"));
                    draining = true;
                    length = 0;
                    continue;
                }

                length += result.Count;
                if (length > max)
                {
                    await HandOnAsync(Inbound.Close(CloseCodes.MessageTooBig, $"message larger than maxMessageSize ({max} bytes)"));
                    draining = true;
                    length = 0;
                    continue;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                // The frame's buffer now belongs to the publish loop, which returns it to the pool.
                var frame = buffer ?? [];
                buffer = null;
                await HandOnAsync(Admit(frame, length));
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

            _inbound.Writer.TryComplete();
        }
    }

    /// <summary>
    /// The rate limits, judged as frames arrive: messages per second and bytes per second, so neither many small
    /// frames nor a few large ones let one connection crowd out the others. A frame over either becomes its error
    /// (or, when the connection keeps exceeding them, the 1008 close).
    /// </summary>
    private Inbound Admit(byte[] frame, int length)
    {
        var limits = _services.Options.RateLimit;
        var overMessages = !_bucket.TryTake();
        var overBytes = !overMessages && !_byteBucket.TryTake(length);
        if (!overMessages && !overBytes)
        {
            return Inbound.Frame(frame, length);
        }

        _services.Metrics.RateLimited();
        var refId = EnvelopeParser.PeekId(frame.AsSpan(0, length));
        ReleaseBuffer(frame);
        if (_bucket.LimitedFor >= limits.CloseAfter || _byteBucket.LimitedFor >= limits.CloseAfter)
        {
            return Inbound.Close(CloseCodes.PolicyViolation, "rate limit exceeded for too long");
        }

        return Inbound.Refusal(new FrameError(ErrorCodes.RateLimited, overMessages
            ? $"Over the rate limit ({limits.PermitsPerSecond}/s, burst {limits.Burst}); message not relayed."
            : $"Over the byte rate limit ({limits.BytesPerSecond} bytes/s, burst {limits.BurstBytes} bytes); message not relayed.",
            refId));
    }

    private ValueTask HandOnAsync(Inbound item) => _inbound.Writer.WriteAsync(item, _abort.Token);
}
