namespace RapidTriage.Gateway.Envelopes;

/// <summary>The <c>data.code</c> values of <c>error</c> frames (contract section 3).</summary>
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
}
