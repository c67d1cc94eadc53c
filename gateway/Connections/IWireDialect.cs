namespace RapidTriage.Gateway.Connections;

/// <summary>
/// Translates one connection's frames to and from another wire format (the BrowserTools extension's flat frames),
/// so that the rest of the relay sees only envelopes. One instance per connection: <see cref="Inbound"/> is called
/// from its publish loop, <see cref="Outbound"/> from its send loop, each in order.
/// </summary>
internal interface IWireDialect
{
    /// <summary>What to do with a text frame the client sent, before it is validated as an envelope.</summary>
    DialectInbound Inbound(ReadOnlyMemory<byte> frame);

    /// <summary>
    /// The bytes to send instead of <paramref name="payload"/> (an envelope the relay would send), or null to send
    /// nothing. Frames from <see cref="DialectInbound.Reply"/> do not pass through here.
    /// </summary>
    byte[]? Outbound(byte[] payload);

    /// <summary>
    /// The largest frame the client may send while it speaks this dialect, when that differs from
    /// <c>Relay:MaxMessageSize</c> (a dialect whose screenshots arrive as one frame); null: the usual limit.
    /// </summary>
    int? MaxFrameBytes => null;
}

/// <summary>The result of <see cref="IWireDialect.Inbound"/>.</summary>
/// <param name="Envelope">The frame to handle as an envelope (the original, or a translation); empty: nothing to handle.</param>
/// <param name="Reply">A frame to send straight back to the client, as is, or null.</param>
internal readonly record struct DialectInbound(ReadOnlyMemory<byte> Envelope, byte[]? Reply)
{
    /// <summary>Handle the frame as the envelope it is.</summary>
    public static DialectInbound PassThrough(ReadOnlyMemory<byte> frame) => new(frame, null);
}

/// <summary>
/// Chooses a dialect for a new connection from its upgrade request; registered in DI, asked in order, the first
/// non-null answer wins. No selector, or all null: the connection speaks envelopes.
/// </summary>
internal interface IWireDialectSelector
{
    IWireDialect? Select(HttpContext context, Handshake.Endpoint endpoint);
}
