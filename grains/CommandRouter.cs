using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// A session's commands and their responses: which members receive a command (docs/protocol.md section 4), the
/// commands waiting for a response under a correlation id of the session's own, who may answer them, and the
/// timeout answer when nobody does. A timer exists only while a command waits: one alarm, at the nearest deadline.
/// Its <c>alarm</c> calls <see cref="TimeOut"/>; <c>send</c> queues a frame for a gateway.
/// </summary>
internal sealed class CommandRouter(
    string sessionId,
    SessionOptions options,
    SessionRoster roster,
    HistoryStore history,
    SessionMetrics metrics,
    TimeProvider time,
    SessionAlarm alarm,
    Action<GatewayLink, Delivery> send)
{
    private readonly Dictionary<string, PendingCommand> _pending = new(StringComparer.Ordinal);

    /// <summary>A member's command: sent to the members that serve it, and correlated when it waits for a response.</summary>
    public PublishResult Publish(InboundEnvelope envelope)
    {
        var isClear = envelope.Type == MessageTypes.ClearLogs;
        if (isClear)
        {
            // The relay itself serves clear-logs (it owns the history), so it never answers no-handler.
            history.Clear();
        }

        var handlers = Handlers(envelope);
        if (handlers.Count == 0)
        {
            return new PublishResult(isClear ? PublishStatus.Accepted : PublishStatus.NoHandler, 0);
        }

        if (MessageTypes.ResponseTypeFor(envelope.Type) is { } responseType)
        {
            Correlate(envelope, handlers, responseType, options.CommandTimeout, null);
        }
        else
        {
            Dispatch(envelope.Payload, handlers);
        }

        return new PublishResult(PublishStatus.Accepted, 0);
    }

    /// <summary>A command from a caller without a socket, answered with the first response (or the timeout).</summary>
    public Task<CommandReply> Ask(InboundEnvelope command, TimeSpan timeout)
    {
        var handlers = Handlers(command);
        if (command.Type == MessageTypes.ClearLogs)
        {
            history.Clear();
        }

        var responseType = MessageTypes.ResponseTypeFor(command.Type);
        if (responseType is null || handlers.Count == 0)
        {
            Dispatch(command.Payload, handlers);
            return Task.FromResult(new CommandReply(responseType is null ? CommandOutcome.Done : CommandOutcome.NoHandler, null, null));
        }

        var waiter = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = timeout <= TimeSpan.Zero || timeout > options.CommandTimeout ? options.CommandTimeout : timeout;
        Correlate(command, handlers, responseType, wait, waiter);
        return waiter.Task;
    }

    /// <summary>A member's response: to the command's requester, if it answers a command that reached that member.</summary>
    public PublishResult Respond(InboundEnvelope envelope)
    {
        if (!_pending.TryGetValue(envelope.Id, out var pending) || pending.ResponseType != envelope.Type)
        {
            metrics.ResponseDropped("unmatched");
            return new PublishResult(PublishStatus.Dropped, 0);
        }

        if (!pending.DeliveredTo.Contains(envelope.SenderConnectionId))
        {
            // Someone the command never reached: a forged or stolen answer.
            metrics.ResponseDropped("not-delivered");
            return new PublishResult(PublishStatus.Dropped, 0);
        }

        _pending.Remove(envelope.Id);
        var payload = WireJson.WithId(envelope.Payload, pending.RequestId);
        if (pending.Waiter is { } waiter)
        {
            waiter.TrySetResult(new CommandReply(CommandOutcome.Answered, payload, envelope.SenderConnectionId));
            return new PublishResult(PublishStatus.Accepted, 0);
        }

        if (!roster.TryGet(pending.RequesterId!, out var requester))
        {
            return new PublishResult(PublishStatus.Dropped, 0);
        }

        send(requester.Gateway, new Delivery(DeliveryKind.Message, 0, payload, [requester.Id]));
        return new PublishResult(PublishStatus.Accepted, 0);
    }

    /// <summary>A member left: the commands it asked wait for nobody.</summary>
    public void Forget(string memberId)
    {
        foreach (var (id, _) in _pending.Where(p => p.Value.RequesterId == memberId).ToList())
        {
            _pending.Remove(id);
        }
    }

    /// <summary>The alarm fired: answers every command past its deadline with a timeout, and re-arms for the rest.</summary>
    public void TimeOut()
    {
        var now = time.GetUtcNow();
        foreach (var (id, pending) in _pending.Where(p => p.Value.Deadline <= now).ToList())
        {
            _pending.Remove(id);
            if (pending.Waiter is { } waiter)
            {
                waiter.TrySetResult(new CommandReply(CommandOutcome.TimedOut, null, null));
            }
            else if (roster.TryGet(pending.RequesterId!, out var requester))
            {
                var payload = WireJson.Envelope(pending.ResponseType, pending.RequestId, sessionId, 0, static (w, _) =>
                {
                    w.WriteBoolean("success", false);
                    w.WriteString("error", "timeout");
                });
                send(requester.Gateway, new Delivery(DeliveryKind.Message, 0, payload, [requester.Id]));
            }
        }

        Arm();
    }

    /// <summary>The activation ends: callers still waiting are answered with a timeout.</summary>
    public void Close()
    {
        alarm.Disarm();
        foreach (var pending in _pending.Values)
        {
            pending.Waiter?.TrySetResult(new CommandReply(CommandOutcome.TimedOut, null, null));
        }

        _pending.Clear();
    }

    /// <summary>
    /// Sends a command that waits for a response under a correlation id of the session's own (requesters' ids need
    /// not be unique), remembering whom it went to: only they may answer it.
    /// </summary>
    private void Correlate(InboundEnvelope command, List<Member> handlers, string responseType, TimeSpan wait,
        TaskCompletionSource<CommandReply>? waiter)
    {
        var correlationId = WireJson.NewId();
        var requester = waiter is null ? command.SenderConnectionId : null;
        _pending[correlationId] = new PendingCommand(requester, command.Id, responseType, time.GetUtcNow() + wait,
            handlers.Select(m => m.Id).ToHashSet(StringComparer.Ordinal), waiter);
        Arm();
        Dispatch(WireJson.WithId(command.Payload, correlationId), handlers);
    }

    /// <summary>Points the alarm at the nearest deadline, or drops it when no command waits.</summary>
    private void Arm()
    {
        if (_pending.Count == 0)
        {
            alarm.Disarm();
            return;
        }

        var nearest = _pending.Values.Min(p => p.Deadline);
        alarm.Arm(nearest - time.GetUtcNow());
    }

    /// <summary>The members that receive <paramref name="command"/> (docs/protocol.md section 4), never its sender.</summary>
    private List<Member> Handlers(InboundEnvelope command) =>
        [.. roster.Members.Where(m => m.Id != command.SenderConnectionId && m.CanServe(command.Type))];

    private void Dispatch(byte[] payload, List<Member> handlers)
    {
        foreach (var group in handlers.GroupBy(m => m.Gateway))
        {
            send(group.Key, new Delivery(DeliveryKind.Message, 0, payload, [.. group.Select(m => m.Id)]));
        }
    }
}
