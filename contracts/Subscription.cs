namespace RapidTriage.Contracts;

/// <summary>One connection a gateway holds in a session, as its renewal describes it.</summary>
/// <param name="Member">Its roster entry.</param>
/// <param name="Epoch">The epoch its client was last acked with.</param>
/// <param name="LastSeq">
/// Every event up to this <c>seq</c> that was meant for it has been queued to its socket. A session that lost
/// its roster (a new activation) re-adds it and first sends it what came after this, so no event is missed.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.Subscription")]
public sealed record Subscription(
    [property: Id(0)] MemberInfo Member,
    [property: Id(1)] string Epoch,
    [property: Id(2)] long LastSeq);
