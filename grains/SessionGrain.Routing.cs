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
            Dispatch(command, handlers);
            return new CommandReply(responseType is null ? CommandOutcome.Done : CommandOutcome.NoHandler, null, null);
        }

        var waiter = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = timeout <= TimeSpan.Zero || timeout > _options.CommandTimeout ? _options.CommandTimeout : timeout;
        _pending[command.Id] = new PendingCommand(null, responseType, DateTime.UtcNow + wait, waiter);
        Dispatch(command, handlers);
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
        var seq = ++_lastSeq;
        var stored = new StoredEvent(seq, envelope.Type, WireJson.WithSeq(envelope.Payload, seq), envelope.SenderConnectionId);
        _history.Add(stored);
        metrics.HistoryBytes(ref _reportedHistoryBytes, _history.Bytes);
        _dirty = true;

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
            _pending[envelope.Id] = new PendingCommand(envelope.SenderConnectionId, responseType, DateTime.UtcNow + _options.CommandTimeout);
        }

        Dispatch(envelope, handlers);
        return new PublishResult(PublishStatus.Accepted, 0);
    }

    /// <summary>The members that receive <paramref name="command"/> (contract section 4), never its sender.</summary>
    private List<Member> Handlers(InboundEnvelope command) =>
        [.. _roster.Values.Where(m => m.Id != command.SenderConnectionId && m.CanServe(command.Type))];

    private void Dispatch(InboundEnvelope command, List<Member> handlers)
    {
        foreach (var group in handlers.GroupBy(m => m.Gateway))
        {
            Send(group.Key, new Delivery(DeliveryKind.Message, 0, command.Payload, [.. group.Select(m => m.Id)]));
        }
    }

    private void Clear()
    {
        _history.Clear();
        metrics.HistoryBytes(ref _reportedHistoryBytes, 0);
        _clearedThroughSeq = _lastSeq;
        _dirty = true;

        // Segments hold events from before the clear: only a snapshot leaves them behind.
        _snapshotDue = true;
    }

    private PublishResult PublishResponse(InboundEnvelope envelope)
    {
        if (!_pending.TryGetValue(envelope.Id, out var pending)
            || pending.ResponseType != envelope.Type
            || pending.RequesterId == envelope.SenderConnectionId)
        {
            return new PublishResult(PublishStatus.Dropped, 0);
        }

        _pending.Remove(envelope.Id);
        if (pending.Waiter is { } waiter)
        {
            waiter.TrySetResult(new CommandReply(CommandOutcome.Answered, envelope.Payload, envelope.SenderConnectionId));
            return new PublishResult(PublishStatus.Accepted, 0);
        }

        if (!_roster.TryGetValue(pending.RequesterId!, out var requester))
        {
            return new PublishResult(PublishStatus.Dropped, 0);
        }

        Send(requester.Gateway, new Delivery(DeliveryKind.Message, 0, envelope.Payload, [requester.Id]));
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
                var payload = WireJson.Envelope(pending.ResponseType, id, SessionId, 0, static (w, _) =>
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
                Send(link, new Delivery(DeliveryKind.Message, 0, payload, targets));
            }
        }
    }
}
