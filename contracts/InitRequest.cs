namespace RapidTriage.Contracts;

/// <summary>A member's <c>connection-init</c> (docs/protocol.md sections 2 and 5).</summary>
/// <param name="Member">The roster entry as the init describes it; added if the session lost it.</param>
/// <param name="LastSeq">The newest <c>seq</c> the client saw, when it asks to recover.</param>
/// <param name="Epoch">The epoch that <paramref name="LastSeq"/> belongs to.</param>
[GenerateSerializer, Immutable, Alias("rt.InitRequest")]
public sealed record InitRequest(
    [property: Id(0)] MemberInfo Member,
    [property: Id(1)] long? LastSeq,
    [property: Id(2)] string? Epoch);
