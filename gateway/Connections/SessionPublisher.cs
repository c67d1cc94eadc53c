using System.Buffers;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// What one connection's client sends, handled strictly in arrival order and with the same outcome as handling
/// each frame on its own: envelopes are validated and stamped, control messages go to the
/// <see cref="ControlHandler"/>, and events and commands already waiting when the session is called go to it in
/// one call (a measured 10k events/s from one sender were 10k grain calls before; now a burst is one). A publish
/// answered NotMember renews the session (<see cref="Sessions.GatewaySession.RenewAsync(int)"/>) and is retried once.
/// </summary>
/// <remarks>
/// Runs on demand: a frame that finds the publisher idle is handled on the receiving thread, without a hop through
/// the thread pool, and the publisher ends when nothing waits; an idle connection holds no loop, queue array or
/// waiter here. At most <see cref="InboundCapacity"/> frames wait: beyond that the receive loop waits, and TCP
/// pushes back on the client.
/// </remarks>
internal sealed partial class SessionPublisher(RelayConnection connection, ControlHandler control)
{
    private const int InboundCapacity = 128;
    private const int MaxBatch = 64;
    private const int MaxBatchBytes = 256 * 1024;

    private readonly Lock _gate = new();
    private SmallQueue<Inbound> _inbound;
    private bool _running;
    private bool _completed;
    private bool _discarding;
    private Exception? _fault;
    private TaskCompletionSource? _room;
    private TaskCompletionSource? _done;
    private List<ParsedFrame>? _batch;
    private int _batchBytes;

    /// <summary>Enqueues what the receive loop read; completes at once unless <see cref="InboundCapacity"/> frames wait.</summary>
    public ValueTask EnqueueAsync(Inbound item)
    {
        TaskCompletionSource? room = null;
        var start = false;
        lock (_gate)
        {
            if (_completed || _fault is not null)
            {
                ReleaseBuffer(item.Buffer);
                return default;
            }

            if (_inbound.Count >= InboundCapacity)
            {
                room = _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _inbound.Enqueue(item);
                start = !_running;
                _running = true;
            }
        }

        if (room is not null)
        {
            return EnqueueWhenRoomAsync(room.Task, item);
        }

        if (start)
        {
            _ = PublishPendingAsync();
        }

        return default;
    }

    /// <summary>Nothing more will be enqueued; completes once everything enqueued was handled.</summary>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            _completed = true;
            if (_fault is { } fault)
            {
                return Task.FromException(fault);
            }

            return _running ? (_done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        }
    }

    private async ValueTask EnqueueWhenRoomAsync(Task room, Inbound item)
    {
        await room;
        await EnqueueAsync(item);
    }

    /// <summary>Handles what waits, then ends; the next frame enqueued starts it again.</summary>
    private async Task PublishPendingAsync()
    {
        try
        {
            while (true)
            {
                Inbound item;
                bool taken;
                lock (_gate)
                {
                    taken = _inbound.TryDequeue(out item);
                    if (taken && _room is { } room)
                    {
                        _room = null;
                        room.TrySetResult();
                    }
                }

                if (!taken)
                {
                    await FlushBatchAsync();
                    lock (_gate)
                    {
                        if (_inbound.Count == 0)
                        {
                            // Idle: the list is made again for the next burst, not kept by every quiet connection.
                            _batch = null;
                            _running = false;
                            _done?.TrySetResult();
                            return;
                        }
                    }

                    continue;
                }

                if (_discarding)
                {
                    // Closing: frames that arrived after the close are not acted on.
                    ReleaseBuffer(item.Buffer);
                    continue;
                }

                await HandleInboundAsync(item);
                _discarding = connection.IsClosing;
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _fault = ex;
                _running = false;
                while (_inbound.TryDequeue(out var left))
                {
                    ReleaseBuffer(left.Buffer);
                }

                _room?.TrySetResult();
                _done?.TrySetException(ex);
            }

            // Never leave the receive loop reading for a publisher that is gone.
            connection.Abort();
        }
    }

    private async Task HandleInboundAsync(Inbound item)
    {
        if (item.Buffer is null)
        {
            await FlushBatchAsync();
            if (item.Error is { } refused)
            {
                connection.EnqueueError(refused);
            }
            else
            {
                connection.RequestClose(item.CloseCode, item.CloseReason ?? "");
            }

            return;
        }

        ReadOnlyMemory<byte> frame = item.Buffer.AsMemory(0, item.Length);
        try
        {
            if (connection.Dialect is { } dialect)
            {
                var translated = dialect.Inbound(frame);
                if (translated.Reply is { } reply)
                {
                    connection.Delivery.EnqueueControl(reply, translated: true);
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
            LogFrameFailed(connection.Logger, ex, connection.SessionId, connection.ConnectionId);
            await FlushBatchAsync();
            connection.EnqueueError(new FrameError(ErrorCodes.InvalidMessage, "The frame could not be processed.", EnvelopeParser.PeekId(frame.Span)));
        }
        finally
        {
            ReleaseBuffer(item.Buffer);
        }
    }

    private async Task HandleFrameAsync(ReadOnlyMemory<byte> frame)
    {
        // Stamped here, not on arrival: metadata.source must reflect a connection-init sent just before.
        var services = connection.Services;
        var stamp = new StampContext(connection.SessionId, connection.ConnectionId, connection.Source);
        if (!services.Parser.TryParse(frame, stamp, out var parsed, out var error))
        {
            await FlushBatchAsync();
            connection.EnqueueError(error);
            return;
        }

        services.Metrics.Received(parsed.Type);
        if (parsed.Type != MessageTypes.ConnectionInit)
        {
            // Any other first message means the client is not about to ask for a recovery.
            connection.Delivery.OtherMessage();
        }

        if (parsed.IsControl)
        {
            await FlushBatchAsync();
            await control.HandleAsync(parsed);
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
        var session = connection.Session;
        PublishResult[] results;
        try
        {
            var mark = session.RenewalMark;
            results = await PublishToSessionAsync(frames);
            if (Array.Exists(results, r => r.Status == PublishStatus.NotMember))
            {
                // The session lost its roster (its silo went away) or expired this gateway: put back every
                // connection this gateway holds in it, each with the events it missed, then try once more. A
                // connection that cannot continue without a gap is closed with 1012 by the renewal instead.
                // One renewal serves every connection of the session answered NotMember meanwhile.
                await session.RenewAsync(mark);
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
            LogPublishFailed(connection.Logger, ex, connection.SessionId, connection.ConnectionId);
            foreach (var parsed in frames)
            {
                connection.EnqueueError(new FrameError(ErrorCodes.Unavailable, "The session is unavailable right now; the message was not relayed. Retry.", parsed.Id));
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
        var grain = connection.Session.Grain;
        if (frames.Count == 1)
        {
            return [await grain.Publish(Envelope(frames[0]))];
        }

        var results = await grain.PublishBatch([.. frames.Select(Envelope)]);
        return [.. results];
    }

    private InboundEnvelope Envelope(ParsedFrame parsed) => new(parsed.Kind, parsed.Type, parsed.Id, connection.ConnectionId, parsed.Payload!,
        parsed.Kind == EnvelopeKind.Event && PublishAcks.Requested(parsed.Payload));

    private void Answer(ParsedFrame parsed, PublishResult result)
    {
        var sessionId = connection.SessionId;
        switch (result.Status)
        {
            case PublishStatus.NoHandler:
                connection.EnqueueError(new FrameError(ErrorCodes.NoHandler, $"No member of this session can serve {parsed.Type}.", parsed.Id));
                break;
            case PublishStatus.Accepted when parsed.Type == MessageTypes.ClearLogs:
                connection.EnqueueReply(ServerFrames.Simple(MessageTypes.ClearLogsAck, sessionId, parsed.Id));
                break;
            case PublishStatus.NotMember:
                connection.EnqueueError(new FrameError(ErrorCodes.Unavailable, "This connection is not in the session's roster; reconnect.", parsed.Id));
                break;
            case PublishStatus.Accepted or PublishStatus.Duplicate when parsed.Kind == EnvelopeKind.Event && PublishAcks.Requested(parsed.Payload):
                connection.EnqueueReply(PublishAcks.Frame(sessionId, parsed.Id, result.Seq));
                break;
            case PublishStatus.TooManyTypes:
                connection.EnqueueError(new FrameError(ErrorCodes.TooManyTypes,
                    $"This session already holds the most event types it keeps (Relay:History:MaxTypes); \"{parsed.Type}\" was not relayed.", parsed.Id));
                break;
            default:
                break;
        }
    }

    /// <summary>Returns a received frame's buffer to the pool.</summary>
    public static void ReleaseBuffer(byte[]? buffer)
    {
        if (buffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} call failed for {ConnectionId}")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string sessionId, string connectionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Frame from {ConnectionId} in session {SessionId} failed unexpectedly")]
    private static partial void LogFrameFailed(ILogger logger, Exception ex, string sessionId, string connectionId);
}
