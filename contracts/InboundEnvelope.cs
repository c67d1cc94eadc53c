namespace RapidTriage.Contracts;

/// <summary>An envelope the gateway parsed, validated and stamped, ready for the session to route.</summary>
/// <param name="Kind">Event, command or response.</param>
/// <param name="Type">The envelope's <c>type</c>.</param>
/// <param name="Id">The envelope's <c>id</c> (filled in by the gateway when missing).</param>
/// <param name="SenderConnectionId">The connection it came from.</param>
/// <param name="Payload">
/// The UTF-8 JSON object as it goes on the wire, without <c>seq</c>: the session inserts <c>seq</c>
/// for events, so the bytes are serialized once and shared by every receiver.
/// </param>
/// <param name="Ack">
/// The envelope says <c>"ack": true</c>: the sender wants a <c>publish-ack</c>, and an event whose id the session
/// accepted recently is not delivered again (docs/protocol.md section 3).
/// </param>
[GenerateSerializer, Immutable, Alias("rt.InboundEnvelope")]
public sealed record InboundEnvelope(
    [property: Id(0)] EnvelopeKind Kind,
    [property: Id(1)] string Type,
    [property: Id(2)] string Id,
    [property: Id(3)] string SenderConnectionId,
    [property: Id(4)] byte[] Payload,
    [property: Id(5)] bool Ack = false);
