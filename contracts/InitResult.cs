using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>The answer to <c>connection-init</c>: the second ack's values and, on recovery, the replay.</summary>
/// <param name="Epoch">The session's epoch.</param>
/// <param name="LastSeq">Newest <c>seq</c> at the moment of the call; every later event arrives live.</param>
/// <param name="Recovered">Null when no <c>lastSeq</c> was asked for; else whether the replay is exact.</param>
/// <param name="Reason">Why recovery failed, when it did.</param>
/// <param name="Replay">Events after the asked <c>lastSeq</c> up to <paramref name="LastSeq"/>, in order.</param>
[GenerateSerializer, Immutable, Alias("rt.InitResult")]
public sealed record InitResult(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] bool? Recovered,
    [property: Id(3)] string? Reason,
    [property: Id(4)] ImmutableArray<StoredEvent> Replay);
