namespace RapidTriage.Gateway.Options;

/// <summary><c>Relay:Local:*</c> limits of local mode's endpoints.</summary>
public sealed class LocalOptions
{
    public const string SectionName = "Relay:Local";

    /// <summary>
    /// Sessions that may have open connections on <c>/extension-ws</c> and <c>/mcp-ws</c> at once, chosen by
    /// <c>?sessionId=</c>; the default session is always allowed. 0 means unlimited.
    /// </summary>
    public int MaxSessions { get; set; } = 64;
}
