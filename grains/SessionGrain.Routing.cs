using System.Collections.Immutable;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

internal sealed partial class SessionGrain
{
    public Task<PublishResult> Publish(InboundEnvelope envelope) => Task.FromResult(PublishOne(envelope));

    public Task<ImmutableArray<PublishResult>> PublishBatch(ImmutableArray<InboundEnvelope> envelopes)
    {
        var results = ImmutableArray.CreateBuilder<PublishResult>(envelopes.Length);
        foreach (var envelope in envelopes)
        {
            results.Add(PublishOne(envelope));
        }

        return Task.FromResult(results.MoveToImmutable());
    }

    public Task<PublishResult> Post(InboundEnvelope envelope)
    {
        if (envelope.Kind != EnvelopeKind.Event)
        {
            throw new ArgumentException($"Only events can be posted; {envelope.Type} is a {envelope.Kind}.", nameof(envelope));
        }

        return Task.FromResult(PublishEvent(envelope));
    }

    public async Task<CommandReply> Ask(InboundEnvelope command, TimeSpan timeout)
    {
        if (command.Kind != EnvelopeKind.Command)
        {
            throw new ArgumentException($"Only commands can be asked; {command.Type} is a {command.Kind}.", nameof(command));
        }

        var handlers = Handlers(command);
        if (command.Type == MessageTypes.ClearLogs)
        {
            Clear();
        }

        var responseType = MessageTypes.ResponseTypeFor(command.Type);
        if (responseType is null || handlers.Count == 0)
        {
            Dispatch(command.Payload, handlers);
            return new CommandReply(responseType is null ? CommandOutcome.Done : CommandOutcome.NoHandler, null, null);
        }

        var waiter = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = timeout <= TimeSpan.Zero || timeout > _options.CommandTimeout ? _options.CommandTimeout : timeout;
        Correlate(command, handlers, responseType, wait, waiter);
        return await waiter.Task;
    }

    private PublishResult PublishOne(InboundEnvelope envelope)
    {
        if (!_roster.TryGetValue(envelope.SenderConnectionId, out var sender))
        {
            return new PublishResult(PublishStatus.NotMember, 0);
        }

        sender.LastSeen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return envelope.Kind switch
        {
            EnvelopeKind.Event => PublishEvent(envelope),
            EnvelopeKind.Command => PublishCommand(envelope),
            _ => PublishResponse(envelope),
        };
    }

    private PublishResult PublishEvent(InboundEnvelope envelope)
    {
        if (envelope.Ack && _acks.TryGet(envelope.Id, out var first))
        {
            metrics.PublishDuplicate();
            return new PublishResult(PublishStatus.Duplicate, first);
        }

        if (!_history.Accepts(envelope.Type))
        {
            return new PublishResult(PublishStatus.TooManyTypes, 0);
        }

        var seq = ++_lastSeq;
        var stored = new StoredEvent(seq, envelope.Type, WireJson.WithSeq(envelope.Payload, seq), envelope.SenderConnectionId,
            envelope.Ack ? envelope.Id : null);
        _history.Add(stored);
        if (envelope.Ack)
        {
            _acks.Add(envelope.Id, seq);
        }

        metrics.HistoryBytes(ref _reportedHistoryBytes, _history.Bytes);
        MarkDirty();

        foreach (var link in _gateways.Values)
        {
            var targets = link.TargetsExcept(envelope.SenderConnectionId);
            if (!targets.IsEmpty)
            {
                Send(link, new Delivery(DeliveryKind.Event, seq, stored.Payload, targets));
            }
        }

        return new PublishResult(PublishStatus.Accepted, seq);
    }

    private PublishResult PublishCommand(InboundEnvelope envelope)
    {
        var isClear = envelope.Type == MessageTypes.ClearLogs;
        if (isClear)
        {
            // The relay itself serves clear-logs (it owns the history), so it never answers no-handler.
            Clear();
        }

        var handlers = Handlers(envelope);
        if (handlers.Count == 0)
        {
            return new PublishResult(isClear ? PublishStatus.Accepted : PublishStatus.NoHandler, 0);
        }

        if (MessageTypes.ResponseTypeFor(envelope.Type) is { } responseType)
        {
            Correlate(envelope, handlers, responseType, _options.CommandTimeout, null);
        }
        else
        {
            Dispatch(envelope.Payload, handlers);
        }

        return new PublishResult(PublishStatus.Accepted, 0);
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
        _pending[correlationId] = new PendingCommand(requester, command.Id, responseType, DateTime.UtcNow + wait,
            handlers.Select(m => m.Id).ToHashSet(StringComparer.Ordinal), waiter);
        ScheduleTicks();
        Dispatch(WireJson.WithId(command.Payload, correlationId), handlers);
    }

    /// <summary>The members that receive <paramref name="command"/> (docs/protocol.md section 4), never its sender.</summary>
    private List<Member> Handlers(InboundEnvelope command) =>
        [.. _roster.Values.Where(m => m.Id != command.SenderConnectionId && m.CanServe(command.Type))];

    private void Dispatch(byte[] payload, List<Member> handlers)
    {
        foreach (var group in handlers.GroupBy(m => m.Gateway))
        {
            Send(group.Key, new Delivery(DeliveryKind.Message, 0, payload, [.. group.Select(m => m.Id)]));
        }
    }

    private void Clear()
    {
        _history.Clear();
        metrics.HistoryBytes(ref _reportedHistoryBytes, 0);
        _clearedThroughSeq = _lastSeq;
        MarkDirty();

        // Segments hold events from before the clear: only a snapshot leaves them behind.
        _snapshotDue = true;
    }

    private PublishResult PublishResponse(InboundEnvelope envelope)
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

        if (!_roster.TryGetValue(pending.RequesterId!, out var requester))
        {
            return new PublishResult(PublishStatus.Dropped, 0);
        }

        Send(requester.Gateway, new Delivery(DeliveryKind.Message, 0, payload, [requester.Id]));
        return new PublishResult(PublishStatus.Accepted, 0);
    }

    private void TimeOutCommands(DateTime now)
    {
        foreach (var (id, pending) in _pending.Where(p => p.Value.Deadline <= now).ToList())
        {
            _pending.Remove(id);
            if (pending.Waiter is { } waiter)
            {
                waiter.TrySetResult(new CommandReply(CommandOutcome.TimedOut, null, null));
            }
            else if (_roster.TryGetValue(pending.RequesterId!, out var requester))
            {
                var payload = WireJson.Envelope(pending.ResponseType, pending.RequestId, SessionId, 0, static (w, _) =>
                {
                    w.WriteBoolean("success", false);
                    w.WriteString("error", "timeout");
                });
                Send(requester.Gateway, new Delivery(DeliveryKind.Message, 0, payload, [requester.Id]));
            }
        }
    }

    private void AnnounceMember(string type, Member member)
    {
        var snapshot = member.Snapshot();
        var payload = WireJson.Envelope(type, null, SessionId, snapshot, WireJson.WriteMemberFields);
        foreach (var link in _gateways.Values)
        {
            var targets = link.TargetsExcept(member.Id);
            if (!targets.IsEmpty)
            {
                Send(link, new Delivery(DeliveryKind.Message, 0, payload, targets, _roster.Count));
            }
        }
    }
}
