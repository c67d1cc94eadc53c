namespace RapidTriage.Contracts;

/// <summary>The answer to <c>connection-init</c>: the second ack's values.</summary>
/// <param name="Epoch">The session's epoch.</param>
/// <param name="LastSeq">Newest <c>seq</c> at the moment of the call.</param>
/// <param name="Recovered">
/// Null when no <c>lastSeq</c> was asked for; else whether every event after it is still in history, so that a
/// replay from it (<see cref="ISessionGrain.ReadReplay"/>) can be exact.
/// </param>
/// <param name="Reason">Why recovery is refused, when it is (<see cref="RecoveryReasons"/>).</param>
/// <param name="RosterSize">Members after the init.</param>
[GenerateSerializer, Immutable, Alias("rt.InitResult")]
public sealed record InitResult(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] bool? Recovered,
    [property: Id(3)] string? Reason,
    [property: Id(5)] int RosterSize = 0);
