namespace RapidTriage.Contracts;

/// <summary>What a connection learns when it joins: the values its first <c>connection-ack</c> carries.</summary>
/// <param name="Admitted">False when the roster is full (<c>Relay:MaxRosterSize</c>).</param>
/// <param name="Epoch">Changes only when the session's history is lost.</param>
/// <param name="LastSeq">The newest <c>seq</c> the session has stamped.</param>
/// <param name="RosterSize">Members after the join.</param>
[GenerateSerializer, Immutable, Alias("rt.JoinResult")]
public sealed record JoinResult(
    [property: Id(0)] bool Admitted,
    [property: Id(1)] string Epoch,
    [property: Id(2)] long LastSeq,
    [property: Id(3)] int RosterSize);
