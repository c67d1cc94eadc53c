using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>The answer to <see cref="ISessionGrain.Renew"/>.</summary>
/// <param name="Epoch">The session's epoch.</param>
/// <param name="LastSeq">The newest <c>seq</c> the session has stamped.</param>
/// <param name="Stale">
/// Connections that cannot go on in this session without missing events: the epoch they were acked with is
/// gone (the session's node died between flushes), or what they missed is no longer all in history. The
/// gateway closes them with 1012; their clients reconnect and learn from the ack what was lost.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.RenewResult")]
public sealed record RenewResult(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] ImmutableArray<string> Stale);
