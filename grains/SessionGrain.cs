using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// One session: roster, <c>seq</c>, routing, history and fan-out. Persisted: epoch, <c>seq</c> and history
/// (write-behind every <see cref="HistoryOptions.FlushInterval"/>: a segment with what is new, now and then a
/// snapshot of it all; see <see cref="HistoryLog"/>). Rebuilt from gateways: the roster.
/// </summary>
internal sealed partial class SessionGrain(
    [PersistentState("session", SessionStorage.ProviderName)] IPersistentState<SessionState> storage,
    IOptions<SessionOptions> options,
    SessionMetrics metrics,
    GatewayOutboxes outboxes,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    private readonly SessionOptions _options = options.Value;
    private readonly Dictionary<string, Member> _roster = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GatewayLink> _gateways = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingCommand> _pending = new(StringComparer.Ordinal);

    /// <summary>Members removed because their gateway stopped renewing: announced again if they come back.</summary>
    private readonly RecentIds _expired = new(1024);

    /// <summary>Members that said Leave: a renewal sent before the Leave must not bring them back.</summary>
    private readonly RecentIds _left = new(1024);
    private RecentAcks _acks = null!;
    private SessionHistory _history = null!;
    private HistoryLog _log = null!;
    private string _epoch = "";
    private long _lastSeq;
    private long _clearedThroughSeq;
    private bool _dirty;

    /// <summary>The next flush writes a snapshot, not a segment (after clear-logs or a failed snapshot).</summary>
    private bool _snapshotDue;
    private Task _flush = Task.CompletedTask;
    private long _reportedHistoryBytes;
    private string? _sessionId;
    private TimeSpan _tick;
    private IGrainTimer? _timer;
    private DateTime _lastFlush;

    // Cached: GetPrimaryKeyString decodes the grain key into a new string on every call.
    private string SessionId => _sessionId ??= this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _history = new SessionHistory(_options.History);
        _acks = new RecentAcks(_options.PublishAck, TimeProvider.System);
        _log = new HistoryLog(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SessionStorage.ProviderName), this.GetGrainId(), _options.History, logger);
        var saved = storage.State;
        if (storage.RecordExists)
        {
            foreach (var item in saved.Events)
            {
                _history.Add(item);
            }

            _history.TrimmedThroughSeq = Math.Max(_history.TrimmedThroughSeq, saved.TrimmedThroughSeq);
            _lastSeq = saved.LastSeq;
            _clearedThroughSeq = saved.ClearedThroughSeq;
            _epoch = saved.Epoch;
            foreach (var segment in await _log.LoadAsync(saved.FirstSegment))
            {
                // A segment rewritten after a failure may repeat what an earlier one holds.
                foreach (var item in segment.Events.Where(e => e.Seq > _lastSeq))
                {
                    _history.Add(item);
                }

                _history.TrimmedThroughSeq = Math.Max(_history.TrimmedThroughSeq, segment.TrimmedThroughSeq);
                _lastSeq = Math.Max(_lastSeq, segment.LastSeq);
            }
        }

        // Acknowledged ids survive a move to another silo while their events are retained.
        foreach (var item in _history.Snapshot().Where(e => e.AckId is not null))
        {
            _acks.Add(item.AckId!, item.Seq);
        }

        if (!storage.RecordExists || saved.Open || string.IsNullOrEmpty(_epoch))
        {
            // A session that is new, or whose last activation died between flushes: events after the last
            // flush may have reached clients and be gone, so no old epoch may claim an exact recovery.
            if (saved.Open)
            {
                LogUncleanRestart(SessionId, _epoch, _lastSeq);
            }

            _epoch = NewEpoch();
        }

        await WriteSnapshotAsync(open: true);
        metrics.Activated();
        metrics.HistoryBytes(ref _reportedHistoryBytes, _history.Bytes);
        LogActivated(SessionId, _epoch, _lastSeq, _history.Count);
        _lastFlush = DateTime.UtcNow;

        _tick = TimeSpan.FromTicks(Math.Max(
            TimeSpan.FromMilliseconds(50).Ticks,
            Math.Min(Math.Min(_options.History.FlushInterval.Ticks, _options.CommandTimeout.Ticks / 4), TimeSpan.FromSeconds(1).Ticks)));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Deactivated();
        metrics.HistoryBytes(ref _reportedHistoryBytes, 0);
        foreach (var pending in _pending.Values)
        {
            pending.Waiter?.TrySetResult(new CommandReply(CommandOutcome.TimedOut, null, null));
        }

        await _flush;
        try
        {
            await WriteSnapshotAsync(open: false);
        }
        catch (Exception ex)
        {
            // The state stays marked open, so the next activation takes a new epoch: nothing is claimed
            // that storage does not hold. (In local mode the in-memory store may already be gone at shutdown.)
            LogFinalWriteFailed(ex, SessionId);
        }
    }

    public Task<JoinResult> Join(MemberInfo member, ISessionObserver observer)
    {
        if (!_roster.ContainsKey(member.ConnectionId) && _roster.Count >= _options.MaxRosterSize)
        {
            return Task.FromResult(new JoinResult(false, _epoch, _lastSeq, _roster.Count));
        }

        var added = Upsert(member, Link(member.GatewayId, observer));
        AnnounceMember(added ? MessageTypes.MemberJoined : MessageTypes.MemberUpdated, _roster[member.ConnectionId]);
        return Task.FromResult(new JoinResult(true, _epoch, _lastSeq, _roster.Count));
    }

    public Task<InitResult> Init(InitRequest request, ISessionObserver observer)
    {
        var member = request.Member;
        if (_roster.ContainsKey(member.ConnectionId) || _roster.Count < _options.MaxRosterSize)
        {
            var added = Upsert(member, Link(member.GatewayId, observer));
            AnnounceMember(added ? MessageTypes.MemberJoined : MessageTypes.MemberUpdated, _roster[member.ConnectionId]);
        }

        if (request.LastSeq is not { } lastSeq)
        {
            return Task.FromResult(new InitResult(_epoch, _lastSeq, null, null, _roster.Count));
        }

        var reason = Gap(lastSeq, request.Epoch);
        return Task.FromResult(new InitResult(_epoch, _lastSeq, reason is null, reason, _roster.Count));
    }

    public Task<ReplayPage> ReadReplay(ReplayRequest request)
    {
        if (Gap(request.AfterSeq, request.Epoch) is { } gap)
        {
            return Task.FromResult(new ReplayPage([], request.AfterSeq, _lastSeq, gap));
        }

        var (events, through) = _history.Page(
            request.AfterSeq, request.ConnectionId, Math.Max(1, request.MaxEvents), Math.Max(1, request.MaxBytes), _lastSeq);
        return Task.FromResult(new ReplayPage(events, through, _lastSeq, null));
    }

    public Task Leave(string connectionId)
    {
        _left.Add(connectionId);
        if (_roster.TryGetValue(connectionId, out var member))
        {
            Remove(member);
        }

        return Task.CompletedTask;
    }

    public Task<RenewResult> Renew(string gatewayId, ISessionObserver observer, ImmutableArray<Subscription> members)
    {
        var link = Link(gatewayId, observer);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var stale = ImmutableArray.CreateBuilder<string>();
        foreach (var subscription in members)
        {
            var id = subscription.Member.ConnectionId;
            listed.Add(id);
            if (_roster.TryGetValue(id, out var member))
            {
                member.LastSeen = now;
                member.MissedRenewals = 0;
            }
            else if (!Rejoin(subscription, link))
            {
                stale.Add(id);
            }
        }

        // A Leave that never arrived. Two misses in a row, because a renewal can overtake a Join.
        foreach (var id in link.Members.Where(id => !listed.Contains(id)).ToList())
        {
            var member = _roster[id];
            if (++member.MissedRenewals >= 2)
            {
                Remove(member);
            }
        }

        return Task.FromResult(new RenewResult(_epoch, _lastSeq, stale.DrainToImmutable()));
    }

    /// <summary>
    /// Puts back, quietly, a member this activation does not know (the session lost its roster when its node
    /// went away, or its gateway expired) and has its gateway replay, before anything newer, the events it missed. False
    /// when that cannot be exact (another epoch, a gap history no longer holds), when it said Leave, or when the
    /// roster is full.
    /// </summary>
    private bool Rejoin(Subscription subscription, GatewayLink link)
    {
        if (!string.Equals(subscription.Epoch, _epoch, StringComparison.Ordinal)
            || subscription.LastSeq > _lastSeq
            || subscription.LastSeq < _history.TrimmedThroughSeq
            || subscription.LastSeq < _clearedThroughSeq
            || _left.Contains(subscription.Member.ConnectionId)
            || _roster.Count >= _options.MaxRosterSize)
        {
            return false;
        }

        var id = subscription.Member.ConnectionId;
        Upsert(subscription.Member, link);
        if (_expired.Remove(id))
        {
            // The others were told it left when its gateway went quiet; it is back after all.
            AnnounceMember(MessageTypes.MemberJoined, _roster[id]);
        }

        // What was stamped while it was not in the roster reached nobody on its behalf: its gateway reads it from
        // history at the socket's pace (however much it is), before anything newer, which queues behind this.
        if (_lastSeq > subscription.LastSeq)
        {
            Send(link, new Delivery(DeliveryKind.Rewind, subscription.LastSeq, [], [id]));
            LogRejoinReplay(SessionId, id, _lastSeq - subscription.LastSeq);
        }

        return true;
    }

    public Task<HistoryPage> GetHistory(HistoryQuery query)
    {
        var types = query.Types.IsDefault ? [] : query.Types;
        var (events, hasMore) = query.Newest
            ? _history.QueryNewest(types, query.AfterSeq, query.Limit)
            : _history.Query(types, query.AfterSeq, query.Limit);
        return Task.FromResult(new HistoryPage(events, _lastSeq, hasMore));
    }

    public Task<ImmutableArray<MemberInfo>> GetRoster() =>
        Task.FromResult(_roster.Values.OrderBy(m => m.Info.ConnectedAt).Select(m => m.Snapshot()).ToImmutableArray());

    /// <summary>
    /// Why the events after <paramref name="afterSeq"/> (of <paramref name="epoch"/>) are not all in history, or null
    /// when they are: a replay from there is exact.
    /// </summary>
    private string? Gap(long afterSeq, string? epoch)
    {
        if (!string.Equals(epoch, _epoch, StringComparison.Ordinal))
        {
            return RecoveryReasons.EpochMismatch;
        }

        if (afterSeq > _lastSeq || afterSeq < 0)
        {
            return RecoveryReasons.UnknownSeq;
        }

        if (afterSeq < _clearedThroughSeq)
        {
            return RecoveryReasons.Cleared;
        }

        return afterSeq < _history.TrimmedThroughSeq ? RecoveryReasons.HistoryTruncated : null;
    }

    private GatewayLink Link(string gatewayId, ISessionObserver observer)
    {
        if (!_gateways.TryGetValue(gatewayId, out var link))
        {
            link = new GatewayLink(gatewayId, observer);
            _gateways.Add(gatewayId, link);
        }

        link.Observer = observer;
        link.LastRenewed = DateTime.UtcNow;
        ScheduleTicks();
        return link;
    }

    /// <summary>Adds or updates a member; returns it when it was new.</summary>
    private bool Upsert(MemberInfo info, GatewayLink link)
    {
        if (_roster.TryGetValue(info.ConnectionId, out var existing))
        {
            existing.Info = info;
            existing.LastSeen = Math.Max(existing.LastSeen, info.LastSeen);
            return false;
        }

        _roster.Add(info.ConnectionId, new Member(info, link));
        link.AddMember(info.ConnectionId);
        return true;
    }

    private void Remove(Member member)
    {
        _roster.Remove(member.Id);
        member.Gateway.RemoveMember(member.Id);
        foreach (var (id, pending) in _pending.Where(p => p.Value.RequesterId == member.Id).ToList())
        {
            _pending.Remove(id);
        }

        AnnounceMember(MessageTypes.MemberLeft, member);
    }

    private static string NewEpoch() => Guid.NewGuid().ToString("N")[..16];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} activated: epoch {Epoch}, lastSeq {LastSeq}, {Count} events in history")]
    private partial void LogActivated(string sessionId, string epoch, long lastSeq, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: {ConnectionId} rejoined from its gateway's renewal; its gateway replays the {Count} events stamped since it last queued one")]
    private partial void LogRejoinReplay(string sessionId, string connectionId, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: the final state write failed; its next activation starts a new epoch")]
    private partial void LogFinalWriteFailed(Exception ex, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} was not closed cleanly (epoch {OldEpoch}, seq {LastSeq}); starting a new epoch")]
    private partial void LogUncleanRestart(string sessionId, string oldEpoch, long lastSeq);
}
