using System.Text.Json;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Envelopes;

/// <summary>A valid frame: its type and id, and either its stamped payload or (control) its data.</summary>
internal readonly record struct ParsedFrame(string Type, string Id, EnvelopeKind Kind, bool IsControl, byte[]? Payload, JsonElement Data);

/// <summary>Why a frame was refused: an <c>error</c> frame's fields.</summary>
internal readonly record struct FrameError(string Code, string Message, string? RefId);

/// <summary>Who sent a frame: what the gateway stamps into <c>metadata</c>.</summary>
internal readonly record struct StampContext(string SessionId, string ConnectionId, string Source);
