using System.Buffers;
using System.Threading.Channels;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    private const int InboundCapacity = 128;
    private const int MaxBatch = 64;
    private const int MaxBatchBytes = 256 * 1024;

    // Bounded: a session slower than its sender holds up the receive loop, and TCP pushes back on the client.
    // Synchronous continuations: a frame that finds the publish loop idle is handled on the receiving
    // thread, without a hop through the thread pool (the publish loop never writes to this channel).
    private readonly Channel<Inbound> _inbound = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(InboundCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = true,
    });

    private List<ParsedFrame>? _batch;
    private int _batchBytes;

    /// <summary>
    /// Handles what the receive loop read, strictly in arrival order and with the same outcome as handling
    /// each frame on its own; events and commands already waiting when the session is called go to it in
    /// one call. A measured 10k events/s from one sender were 10k grain calls before; now a burst is one.
    /// </summary>
    private async Task PublishLoopAsync()
    {
        var reader = _inbound.Reader;
        var draining = false;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var item))
                {
                    if (draining)
                    {
                        // Closing: frames that arrived after the close are not acted on.
                        ReleaseBuffer(item.Buffer);
                        continue;
                    }

                    await HandleInboundAsync(item);
                    draining = _close is not null;
                }

                await FlushBatchAsync();
            }
        }
        catch
        {
            // Never leave the receive loop waiting on a full queue nobody reads.
            await _abort.CancelAsync();
            throw;
        }
    }

    private async Task HandleInboundAsync(Inbound item)
    {
        if (item.Buffer is null)
        {
            await FlushBatchAsync();
            if (item.Error is { } refused)
            {
                SendError(refused);
            }
            else
            {
                RequestClose(item.CloseCode, item.CloseReason ?? "");
            }

            return;
        }

        ReadOnlyMemory<byte> frame = item.Buffer.AsMemory(0, item.Length);
        try
        {
            if (_dialect is not null)
            {
                var translated = _dialect.Inbound(frame);
                if (translated.Reply is { } reply)
                {
                    _delivery.Control(reply, translated: true);
                }

                frame = translated.Envelope;
                if (frame.IsEmpty)
                {
                    return;
                }
            }

            await HandleFrameAsync(frame);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One bad frame must never end the connection or the gateway: a surprise is logged and answered.
            LogFrameFailed(ex, SessionId, ConnectionId);
            await FlushBatchAsync();
            SendError(new FrameError(ErrorCodes.InvalidMessage, "The frame could not be processed.", EnvelopeParser.PeekId(frame.Span)));
        }
        finally
        {
            ReleaseBuffer(item.Buffer);
        }
    }

    private async Task HandleFrameAsync(ReadOnlyMemory<byte> frame)
    {
        // Stamped here, not on arrival: metadata.source must reflect a connection-init sent just before.
        var stamp = new StampContext(SessionId, ConnectionId, Source);
        if (!_services.Parser.TryParse(frame, stamp, out var parsed, out var error))
        {
            await FlushBatchAsync();
            SendError(error);
            return;
        }

        _services.Metrics.Received(parsed.Type);
        if (parsed.Type != MessageTypes.ConnectionInit)
        {
            // Any other first message means the client is not about to ask for a recovery.
            _delivery.OtherMessage();
        }

        if (parsed.IsControl)
        {
            await FlushBatchAsync();
            await HandleControlAsync(parsed);
            return;
        }

        (_batch ??= []).Add(parsed);
        _batchBytes += parsed.Payload!.Length;
        if (_batch.Count >= MaxBatch || _batchBytes >= MaxBatchBytes)
        {
            await FlushBatchAsync();
        }
    }

    private async Task FlushBatchAsync()
    {
        if (_batch is not { Count: > 0 } batch)
        {
            return;
        }

        try
        {
            await PublishAsync(batch);
        }
        finally
        {
            batch.Clear();
            _batchBytes = 0;
        }
    }

    private async Task PublishAsync(List<ParsedFrame> frames)
    {
        PublishResult[] results;
        try
        {
            var mark = _session.RenewalMark;
            results = await PublishToSessionAsync(frames);
            if (Array.Exists(results, r => r.Status == PublishStatus.NotMember))
            {
                // The session lost its roster (its silo went away) or expired this gateway: put back every
                // connection this gateway holds in it, each with the events it missed, then try once more. A
                // connection that cannot continue without a gap is closed with 1012 by the renewal instead.
                // One renewal serves every connection of the session answered NotMember meanwhile.
                await _session.RenewAsync(mark);
                var retry = Enumerable.Range(0, frames.Count).Where(i => results[i].Status == PublishStatus.NotMember).ToList();
                var again = await PublishToSessionAsync([.. retry.Select(i => frames[i])]);
                for (var j = 0; j < retry.Count; j++)
                {
                    results[retry[j]] = again[j];
                }
            }
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, SessionId, ConnectionId);
            foreach (var parsed in frames)
            {
                SendError(new FrameError(ErrorCodes.Unavailable, "The session is unavailable right now; the message was not relayed. Retry.", parsed.Id));
            }

            return;
        }

        for (var i = 0; i < frames.Count; i++)
        {
            Answer(frames[i], results[i]);
        }
    }

    private async Task<PublishResult[]> PublishToSessionAsync(List<ParsedFrame> frames)
    {
        if (frames.Count == 1)
        {
            return [await _session.Grain.Publish(Envelope(frames[0]))];
        }

        var results = await _session.Grain.PublishBatch([.. frames.Select(Envelope)]);
        return [.. results];
    }

    private InboundEnvelope Envelope(ParsedFrame parsed) => new(parsed.Kind, parsed.Type, parsed.Id, ConnectionId, parsed.Payload!,
        parsed.Kind == EnvelopeKind.Event && PublishAcks.Requested(parsed.Payload));

    private void Answer(ParsedFrame parsed, PublishResult result)
    {
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
            case PublishStatus.Accepted or PublishStatus.Duplicate when parsed.Kind == EnvelopeKind.Event && PublishAcks.Requested(parsed.Payload):
                Send(PublishAcks.Frame(SessionId, parsed.Id, result.Seq));
                break;
            case PublishStatus.TooManyTypes:
                SendError(new FrameError(ErrorCodes.TooManyTypes,
                    $"This session already holds the most event types it keeps (Relay:History:MaxTypes); \"{parsed.Type}\" was not relayed.", parsed.Id));
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

    private static void ReleaseBuffer(byte[]? buffer)
    {
        if (buffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
