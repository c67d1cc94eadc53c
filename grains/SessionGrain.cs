using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// One session. The grain only answers calls; the work is done by its parts, one job each: the members and their
/// gateways (<see cref="SessionRoster"/>), commands and responses (<see cref="CommandRouter"/>), and history with
/// everything persisted (<see cref="HistoryStore"/>); frames reach gateways through the fan-out in
/// <c>SessionGrain.FanOut.cs</c>. While it has members their gateways' renewals (at least once per
/// <c>Relay:Cluster:RenewInterval</c>) keep it active, far within <c>Relay:SessionIdleTimeout</c>; it holds a timer only while history waits to be written or a command waits for its response.
/// </summary>
internal sealed partial class SessionGrain(
    IOptions<SessionOptions> options,
    SessionMetrics metrics,
    FlushBudget budget,
    GatewayOutboxes outboxes,
    TimeProvider time,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain, ISessionMaintenance
{
    private readonly SessionOptions _options = options.Value;
    private SessionRoster _roster = null!;
    private CommandRouter _router = null!;
    private HistoryStore _history = null!;
    private string? _sessionId;

    // Cached: GetPrimaryKeyString decodes the grain key into a new string on every call.
    private string SessionId => _sessionId ??= this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SessionStorage.ProviderName);
        _history = new HistoryStore(storage, this.GetGrainId(), SessionId, _options, budget, metrics, time,
            new SessionAlarm(this, OnFlushDueAsync), logger);
        _roster = new SessionRoster(SessionId, _options, ServiceProvider.GetService<GatewayPresence>(), time, Send,
            id => _router.Forget(id), logger);
        _router = new CommandRouter(SessionId, _options, _roster, _history, metrics, time,
            new SessionAlarm(this, OnCommandDeadlineAsync), Send);
        await _history.LoadAsync();
        metrics.Activated();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Deactivated();
        _roster.Close();
        _router.Close();
        await _history.CloseAsync();
    }

    public Task<JoinResult> Join(MemberInfo member, ISessionObserver observer)
    {
        _roster.ExpireSilent();
        var admitted = _roster.Join(member, observer);
        return Task.FromResult(new JoinResult(admitted, _history.Epoch, _history.LastSeq, _roster.Count));
    }

    public Task<InitResult> Init(InitRequest request, ISessionObserver observer)
    {
        _roster.ExpireSilent();
        _roster.Join(request.Member, observer);
        if (request.LastSeq is not { } lastSeq)
        {
            return Task.FromResult(new InitResult(_history.Epoch, _history.LastSeq, null, null, _roster.Count));
        }

        var reason = _history.Gap(lastSeq, request.Epoch);
        return Task.FromResult(new InitResult(_history.Epoch, _history.LastSeq, reason is null, reason, _roster.Count));
    }

    public Task Leave(string connectionId)
    {
        _roster.Leave(connectionId);
        return Task.CompletedTask;
    }

    public Task<RenewResult> Renew(string gatewayId, ISessionObserver observer, ImmutableArray<Subscription> members)
    {
        var stale = _roster.Renew(gatewayId, observer, members, _history);
        _roster.ExpireSilent();
        return Task.FromResult(new RenewResult(_history.Epoch, _history.LastSeq, stale));
    }

    public Task<PublishResult> Publish(InboundEnvelope envelope)
    {
        _roster.ExpireSilent();
        return Task.FromResult(PublishOne(envelope));
    }

    public Task<ImmutableArray<PublishResult>> PublishBatch(ImmutableArray<InboundEnvelope> envelopes)
    {
        _roster.ExpireSilent();
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

        _roster.ExpireSilent();
        return Task.FromResult(PublishEvent(envelope, envelope.SenderConnectionId));
    }

    public Task<CommandReply> Ask(InboundEnvelope command, TimeSpan timeout)
    {
        if (command.Kind != EnvelopeKind.Command)
        {
            throw new ArgumentException($"Only commands can be asked; {command.Type} is a {command.Kind}.", nameof(command));
        }

        return _router.Ask(command, timeout);
    }

    public Task<HistoryPage> GetHistory(HistoryQuery query) => Task.FromResult(_history.Query(query));

    public Task<ReplayPage> ReadReplay(ReplayRequest request) => Task.FromResult(_history.ReadReplay(request));

    public Task<ImmutableArray<MemberInfo>> GetRoster() => Task.FromResult(_roster.Snapshot());

    public Task GatewaysGone(ImmutableArray<string> gatewayIds)
    {
        _roster.GatewaysGone(gatewayIds);
        return Task.CompletedTask;
    }

    private PublishResult PublishOne(InboundEnvelope envelope)
    {
        if (!_roster.TryGet(envelope.SenderConnectionId, out var sender))
        {
            return new PublishResult(PublishStatus.NotMember, 0);
        }

        sender.LastSeen = time.GetUtcNow().ToUnixTimeMilliseconds();
        return envelope.Kind switch
        {
            EnvelopeKind.Event => PublishEvent(envelope, sender.Id),
            EnvelopeKind.Command => _router.Publish(envelope),
            _ => _router.Respond(envelope),
        };
    }

    private PublishResult PublishEvent(InboundEnvelope envelope, string sender)
    {
        var (result, stored) = _history.Append(envelope, sender);
        if (stored is not null)
        {
            _roster.Broadcast(stored);
        }

        return result;
    }

    private Task OnFlushDueAsync()
    {
        _roster.ExpireSilent();
        _history.FlushDue();
        return Task.CompletedTask;
    }

    private Task OnCommandDeadlineAsync()
    {
        _roster.ExpireSilent();
        _router.TimeOut();
        return Task.CompletedTask;
    }
}
