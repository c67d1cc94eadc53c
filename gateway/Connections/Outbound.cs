namespace RapidTriage.Gateway.Connections;

/// <summary>A frame waiting in a connection's send queue.</summary>
/// <param name="Payload">The exact bytes to send.</param>
/// <param name="Seq">The event's <c>seq</c>, 0 for other frames.</param>
/// <param name="Translated">Already in the connection's dialect (see <see cref="IWireDialect"/>): sent as is.</param>
internal readonly record struct Outbound(byte[] Payload, long Seq, bool Translated = false);
