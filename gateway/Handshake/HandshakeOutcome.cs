namespace RapidTriage.Gateway.Handshake;

/// <summary>What the handshake decided: refuse with a status and a short text, or accept into a session.</summary>
internal sealed record HandshakeOutcome(
    int Status,
    string? Message,
    string? SessionId = null,
    string? Subprotocol = null,
    DateTimeOffset? TokenExpiresAt = null)
{
    public bool Accepted => Status == StatusCodes.Status101SwitchingProtocols;

    public static HandshakeOutcome Refuse(int status, string message) => new(status, message);

    public static HandshakeOutcome Accept(string sessionId, string? subprotocol, DateTimeOffset? expiresAt) =>
        new(StatusCodes.Status101SwitchingProtocols, null, sessionId, subprotocol, expiresAt);
}
