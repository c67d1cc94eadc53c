namespace RapidTriage.Contracts;

/// <summary>An event as kept in history: its <c>seq</c>, <c>type</c> and wire bytes (with <c>seq</c>).</summary>
[GenerateSerializer, Immutable, Alias("rt.StoredEvent")]
public sealed record StoredEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Type,
    [property: Id(2)] byte[] Payload);
