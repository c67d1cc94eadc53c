using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>
/// One per session id. Keeps the roster, stamps <c>seq</c>, routes envelopes, keeps history and fans
/// out to the gateways holding each receiver.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Adds a connection; announces <c>member-joined</c> to the others.</summary>
    Task<JoinResult> Join(MemberInfo member, ISessionObserver observer);

    /// <summary>Records <c>connection-init</c> and, when it asks, computes the recovery replay.</summary>
    Task<InitResult> Init(InitRequest request, ISessionObserver observer);

    /// <summary>Removes a connection; announces <c>member-left</c>.</summary>
    Task Leave(string connectionId);

    /// <summary>Routes one envelope from a member.</summary>
    Task<PublishResult> Publish(InboundEnvelope envelope);

    /// <summary>
    /// Routes envelopes from one member in order, with the results consecutive <see cref="Publish"/> calls
    /// would give; a gateway sends what one socket has queued as one call instead of one call each.
    /// </summary>
    Task<ImmutableArray<PublishResult>> PublishBatch(ImmutableArray<InboundEnvelope> envelopes);

    /// <summary>
    /// A gateway's periodic proof of life for the connections it holds in this session. Members of a
    /// gateway that stops renewing leave the roster when its subscription expires. A session that lost its
    /// roster (its node went away) rebuilds it from these, quietly, and first sends each re-added member the
    /// events it missed.
    /// </summary>
    Task<RenewResult> Renew(string gatewayId, ISessionObserver observer, ImmutableArray<Subscription> members);

    /// <summary>A page of history.</summary>
    Task<HistoryPage> GetHistory(HistoryQuery query);

    /// <summary>The roster.</summary>
    Task<ImmutableArray<MemberInfo>> GetRoster();
}
