using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// A session's members and the gateways that hold them (one <see cref="GatewayLink"/> each): who joins, renews,
/// leaves or is lost with their gateway, and the <c>member-joined</c> / <c>member-left</c> the others are told.
/// A gateway is lost when the silo's <see cref="GatewayPresence"/> says it is gone (it knows which gateways this
/// session is linked to), or, as a fallback checked whenever the session runs anyway, when it has not renewed for
/// <see cref="ClusterOptions.ObserverExpiry"/>.
/// It tells the grain through <c>send</c> (queue a frame for a gateway) and <c>memberLeft</c> (commands that member
/// asked wait for nobody now).
/// </summary>
internal sealed partial class SessionRoster(
    string sessionId,
    SessionOptions options,
    GatewayPresence? presence,
    TimeProvider time,
    Action<GatewayLink, Delivery> send,
    Action<string> memberLeft,
    ILogger logger)
{
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GatewayLink> _gateways = new(StringComparer.Ordinal);

    /// <summary>Members removed because their gateway was lost: announced again if they come back.</summary>
    private readonly RecentIds _expired = new(1024);

    /// <summary>Members that said Leave: a renewal sent before the Leave must not bring them back.</summary>
    private readonly RecentIds _left = new(1024);

    public int Count => _members.Count;

    public IEnumerable<Member> Members => _members.Values;

    public bool TryGet(string connectionId, out Member member) => _members.TryGetValue(connectionId, out member!);

    /// <summary>Adds or updates a member and tells the others; false when the roster is full.</summary>
    public bool Join(MemberInfo member, ISessionObserver observer)
    {
        if (!_members.ContainsKey(member.ConnectionId) && _members.Count >= options.MaxRosterSize)
        {
            return false;
        }

        var added = Upsert(member, Link(member.GatewayId, observer));
        Announce(added ? MessageTypes.MemberJoined : MessageTypes.MemberUpdated, _members[member.ConnectionId]);
        return true;
    }

    public void Leave(string connectionId)
    {
        _left.Add(connectionId);
        if (_members.TryGetValue(connectionId, out var member))
        {
            Remove(member);
        }
    }

    /// <summary>
    /// A gateway's renewal: its members are alive; the ones this roster lost come back if
    /// <paramref name="history"/> can replay what they missed exactly (else they are stale); the ones it no longer
    /// lists twice in a row left without saying so.
    /// </summary>
    public ImmutableArray<string> Renew(string gatewayId, ISessionObserver observer, ImmutableArray<Subscription> members, HistoryStore history)
    {
        var link = Link(gatewayId, observer);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var stale = ImmutableArray.CreateBuilder<string>();
        foreach (var subscription in members)
        {
            var id = subscription.Member.ConnectionId;
            listed.Add(id);
            if (_members.TryGetValue(id, out var member))
            {
                member.LastSeen = now;
                member.MissedRenewals = 0;
            }
            else if (!Rejoin(subscription, link, history))
            {
                stale.Add(id);
            }
        }

        // A Leave that never arrived. Two misses in a row, because a renewal can overtake a Join.
        foreach (var id in link.Members.Where(id => !listed.Contains(id)).ToList())
        {
            var member = _members[id];
            if (++member.MissedRenewals >= 2)
            {
                Remove(member);
            }
        }

        return stale.DrainToImmutable();
    }

    /// <summary>The silo found these gateways gone: their members leave.</summary>
    public void GatewaysGone(IEnumerable<string> gatewayIds)
    {
        foreach (var id in gatewayIds)
        {
            if (_gateways.TryGetValue(id, out var link))
            {
                Drop(link);
            }
        }
    }

    /// <summary>The fallback: gateways that have not renewed for <see cref="ClusterOptions.ObserverExpiry"/> are lost.</summary>
    public void ExpireSilent()
    {
        if (_gateways.Count == 0)
        {
            return;
        }

        foreach (var link in _gateways.Values.Where(l => time.GetElapsedTime(l.LastRenewed) > options.Cluster.ObserverExpiry).ToList())
        {
            Drop(link);
        }
    }

    /// <summary>Queues an event for every member but its sender.</summary>
    public void Broadcast(StoredEvent stored)
    {
        foreach (var link in _gateways.Values)
        {
            var targets = link.TargetsExcept(stored.Sender);
            if (!targets.IsEmpty)
            {
                send(link, new Delivery(DeliveryKind.Event, stored.Seq, stored.Payload, targets));
            }
        }
    }

    public ImmutableArray<MemberInfo> Snapshot() =>
        [.. _members.Values.OrderBy(m => m.Info.ConnectedAt).Select(m => m.Snapshot())];

    /// <summary>The activation ends: the silo's presence forgets its links.</summary>
    public void Close()
    {
        foreach (var id in _gateways.Keys)
        {
            presence?.Unlinked(id, sessionId);
        }
    }

    /// <summary>
    /// Puts back, quietly, a member this activation does not know (the session lost its roster when its node
    /// False when that cannot be exact (another epoch, a gap history no longer holds), when it said Leave, or when
    /// the roster is full.
    /// </summary>
    private bool Rejoin(Subscription subscription, GatewayLink link, HistoryStore history)
    {
        if (history.Gap(subscription.LastSeq, subscription.Epoch) is not null
            || _left.Contains(subscription.Member.ConnectionId)
            || _members.Count >= options.MaxRosterSize)
        {
            return false;
        }

        var id = subscription.Member.ConnectionId;
        Upsert(subscription.Member, link);
        if (_expired.Remove(id))
        {
            // The others were told it left when its gateway was lost; it is back after all.
            Announce(MessageTypes.MemberJoined, _members[id]);
        }

        // What was stamped while it was not in the roster reached nobody on its behalf: its gateway reads it from
        // history at the socket's pace (however much it is), before anything newer, which queues behind this.
        if (history.LastSeq > subscription.LastSeq)
        {
            send(link, new Delivery(DeliveryKind.Rewind, subscription.LastSeq, [], [id]));
            LogRejoinReplay(sessionId, id, history.LastSeq - subscription.LastSeq);
        }

        return true;
    }

    private GatewayLink Link(string gatewayId, ISessionObserver observer)
    {
        if (!_gateways.TryGetValue(gatewayId, out var link))
        {
            link = new GatewayLink(gatewayId, observer);
            _gateways.Add(gatewayId, link);
            presence?.Linked(gatewayId, sessionId);
        }

        link.Observer = observer;
        link.LastRenewed = time.GetTimestamp();
        return link;
    }

    /// <summary>A gateway is lost: it gets nothing more, and its members leave.</summary>
    private void Drop(GatewayLink link)
    {
        LogGatewayLost(sessionId, link.GatewayId, link.Members.Count);
        _gateways.Remove(link.GatewayId);
        presence?.Unlinked(link.GatewayId, sessionId);
        link.Removed = true;
        foreach (var id in link.Members.ToList())
        {
            Remove(_members[id]);
            _expired.Add(id);
        }
    }

    /// <summary>Adds or updates a member; returns it when it was new.</summary>
    private bool Upsert(MemberInfo info, GatewayLink link)
    {
        if (_members.TryGetValue(info.ConnectionId, out var existing))
        {
            existing.Info = info;
            existing.LastSeen = Math.Max(existing.LastSeen, info.LastSeen);
            return false;
        }

        _members.Add(info.ConnectionId, new Member(info, link));
        link.AddMember(info.ConnectionId);
        return true;
    }

    private void Remove(Member member)
    {
        _members.Remove(member.Id);
        member.Gateway.RemoveMember(member.Id);
        memberLeft(member.Id);
        Announce(MessageTypes.MemberLeft, member);
    }

    private void Announce(string type, Member member)
    {
        var snapshot = member.Snapshot();
        var payload = WireJson.Envelope(type, null, sessionId, snapshot, WireJson.WriteMemberFields);
        foreach (var link in _gateways.Values)
        {
            var targets = link.TargetsExcept(member.Id);
            if (!targets.IsEmpty)
            {
                send(link, new Delivery(DeliveryKind.Message, 0, payload, targets, _members.Count));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: {ConnectionId} rejoined from its gateway's renewal; its gateway replays the {Count} events stamped since it last queued one")]
    private partial void LogRejoinReplay(string sessionId, string connectionId, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: gateway {GatewayId} is gone or stopped renewing; {Count} members leave")]
    private partial void LogGatewayLost(string sessionId, string gatewayId, int count);
}
