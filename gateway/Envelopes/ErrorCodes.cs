namespace RapidTriage.Gateway.Envelopes;

/// <summary>The <c>data.code</c> values of <c>error</c> frames (docs/protocol.md section 3.3).</summary>
internal static class ErrorCodes
{
    public const string InvalidMessage = "invalid-message";
    public const string InvalidTimestamp = "invalid-timestamp";
    public const string MessageTooOld = "message-too-old";
    public const string RateLimited = "rate-limited";
    public const string NoHandler = "no-handler";
    public const string Forbidden = "forbidden";
    public const string InvalidToken = "invalid-token";
    public const string Unavailable = "unavailable";

    /// <summary>A <c>connection-init</c> field over its cap (<c>Relay:Limits:MaxInitFieldLength</c>, <c>MaxCapabilities</c>).</summary>
    public const string InvalidInit = "invalid-init";

    /// <summary>An event of a new type in a session that already keeps <c>Relay:History:MaxTypes</c> types.</summary>
    public const string TooManyTypes = "too-many-types";
}
