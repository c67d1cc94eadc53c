using System.Buffers;
using System.Net.WebSockets;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    private const int InitialReceiveBuffer = 4 * 1024;
    private const int RetainedReceiveBuffer = 64 * 1024;

    private async Task ReceiveLoopAsync()
    {
        var max = _services.Options.MaxMessageSize;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        var length = 0;
        var draining = false;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token);
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

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    RequestClose(CloseCodes.UnsupportedData, "binary frames are not supported; send UTF-8 JSON text");
                    draining = true;
                    length = 0;
                    continue;
                }

                length += result.Count;
                if (length > max)
                {
                    RequestClose(CloseCodes.MessageTooBig, $"message larger than maxMessageSize ({max} bytes)");
                    draining = true;
                    length = 0;
                    continue;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                await HandleFrameSafelyAsync(buffer.AsMemory(0, length));
                length = 0;
                draining = _close is not null;
                if (buffer.Length > RetainedReceiveBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A vanished peer or an aborted close: a normal end for a socket.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One bad frame must never end the connection or the gateway: a surprise is logged and answered.</summary>
    private async Task HandleFrameSafelyAsync(ReadOnlyMemory<byte> frame)
    {
        try
        {
            await HandleFrameAsync(frame);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFrameFailed(ex, SessionId, ConnectionId);
            SendError(new FrameError(ErrorCodes.InvalidMessage, "The frame could not be processed.", EnvelopeParser.PeekId(frame.Span)));
        }
    }

    private async Task HandleFrameAsync(ReadOnlyMemory<byte> frame)
    {
        if (!_bucket.TryTake())
        {
            _services.Metrics.RateLimited();
            if (_bucket.LimitedFor >= _services.Options.RateLimit.CloseAfter)
            {
                RequestClose(CloseCodes.PolicyViolation, "rate limit exceeded for too long");
                return;
            }

            SendError(new FrameError(ErrorCodes.RateLimited,
                $"Over the rate limit ({_services.Options.RateLimit.PermitsPerSecond}/s, burst {_services.Options.RateLimit.Burst}); message not relayed.",
                EnvelopeParser.PeekId(frame.Span)));
            return;
        }

        var stamp = new StampContext(SessionId, ConnectionId, Source);
        if (!_services.Parser.TryParse(frame, stamp, out var parsed, out var error))
        {
            SendError(error);
            return;
        }

        _services.Metrics.Received(parsed.Type);

        if (parsed.Type != MessageTypes.ConnectionInit)
        {
            // Any other first message means the client is not about to ask for a recovery.
            ReleaseHeld(null);
        }

        if (parsed.IsControl)
        {
            await HandleControlAsync(parsed);
        }
        else
        {
            await PublishAsync(parsed);
        }
    }

    private async Task PublishAsync(ParsedFrame parsed)
    {
        var envelope = new InboundEnvelope(parsed.Kind, parsed.Type, parsed.Id, ConnectionId, parsed.Payload!);
        PublishResult result;
        try
        {
            result = await _session.Publish(envelope);
            if (result.Status == PublishStatus.NotMember)
            {
                // The session lost its roster (its silo went away) or expired this gateway: put back every
                // connection this gateway holds in it, each with the events it missed, then try once more. A
                // connection that cannot continue without a gap is closed with 1012 by the renewal instead.
                await _services.Renewer.RenewAsync(SessionId);
                result = await _session.Publish(envelope);
            }
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, SessionId, ConnectionId);
            SendError(new FrameError(ErrorCodes.Unavailable, "The session is unavailable right now; the message was not relayed. Retry.", parsed.Id));
            return;
        }

        switch (result.Status)
        {
            case PublishStatus.NoHandler:
                SendError(new FrameError(ErrorCodes.NoHandler, $"No member of this session can serve {parsed.Type}.", parsed.Id));
                break;
            case PublishStatus.Accepted when parsed.Type == MessageTypes.ClearLogs:
                Send(ServerFrames.Simple(MessageTypes.ClearLogsAck, SessionId, parsed.Id));
                break;
            case PublishStatus.NotMember:
                SendError(new FrameError(ErrorCodes.Unavailable, "This connection is not in the session's roster; reconnect.", parsed.Id));
                break;
            default:
                break;
        }
    }

    private void SendError(FrameError error)
    {
        _services.Metrics.Error(error.Code);
        Send(ServerFrames.Error(SessionId, error));
    }
}
