namespace RapidTriage.Contracts;

/// <summary>An event as kept in history: its <c>seq</c>, <c>type</c> and wire bytes (with <c>seq</c>).</summary>
/// <param name="Seq">The event's <c>seq</c>.</param>
/// <param name="Type">The envelope's <c>type</c>.</param>
/// <param name="Payload">The wire bytes every receiver got.</param>
/// <param name="Sender">
/// The connection that sent it, so a replay to a connection leaves out its own events (null in state written
/// before this field existed).
/// </param>
/// <param name="AckId">
/// The envelope's id when it was sent with <c>"ack": true</c>, so a session loaded from storage still knows which
/// resends it already accepted (while the event is retained).
/// </param>
[GenerateSerializer, Immutable, Alias("rt.StoredEvent")]
public sealed record StoredEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Type,
    [property: Id(2)] byte[] Payload,
    [property: Id(3)] string? Sender = null,
    [property: Id(4)] string? AckId = null);
