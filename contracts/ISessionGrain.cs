using System.Collections.Immutable;
using Orleans.Concurrency;

namespace RapidTriage.Contracts;

/// <summary>
/// One per session id. Keeps the roster, stamps <c>seq</c>, routes envelopes, keeps history and fans
/// out to the gateways holding each receiver.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Adds a connection; announces <c>member-joined</c> to the others.</summary>
    Task<JoinResult> Join(MemberInfo member, ISessionObserver observer);

    /// <summary>
    /// Records <c>connection-init</c> and, when it asks to recover, says whether the gap after its <c>lastSeq</c> is
    /// still whole in history. The gateway then streams that gap with <see cref="ReadReplay"/>.
    /// </summary>
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

    /// <summary>
    /// Adds an event from a caller that holds no socket (an HTTP capture API): stamped with <c>seq</c>, kept in
    /// history and sent to every member, as a member's event would be. Only <see cref="EnvelopeKind.Event"/>.
    /// </summary>
    Task<PublishResult> Post(InboundEnvelope envelope);

    /// <summary>
    /// Sends a command on behalf of a caller that holds no socket (an MCP tool call, an HTTP endpoint) to the
    /// members that can serve it, and waits for the first answer, at most <paramref name="timeout"/> (capped by
    /// <c>Relay:CommandTimeout</c>). Interleaves with the session's other calls while it waits.
    /// </summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:05:00")]
    Task<CommandReply> Ask(InboundEnvelope command, TimeSpan timeout);

    /// <summary>A page of history.</summary>
    Task<HistoryPage> GetHistory(HistoryQuery query);

    /// <summary>
    /// The next page of a connection's replay cursor: what it missed, read at the pace its socket drains, never
    /// buffered whole. Says so when the cursor fell into a gap history no longer holds.
    /// </summary>
    Task<ReplayPage> ReadReplay(ReplayRequest request);

    /// <summary>The roster.</summary>
    Task<ImmutableArray<MemberInfo>> GetRoster();
}
