using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// What the receive loop hands the publish loop, in arrival order: a frame (a pooled buffer the publish
/// loop returns), an error to answer with, or a close to request once everything before it is handled.
/// </summary>
internal readonly record struct Inbound(byte[]? Buffer, int Length, FrameError? Error, int CloseCode, string? CloseReason)
{
    public static Inbound Frame(byte[] buffer, int length) => new(buffer, length, null, 0, null);

    public static Inbound Refusal(FrameError error) => new(null, 0, error, 0, null);

    public static Inbound Close(int code, string reason) => new(null, 0, null, code, reason);
}
