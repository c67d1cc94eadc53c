namespace RapidTriage.Contracts;

/// <summary>
/// Why a recovery cannot be exact: the <c>reason</c> of a <c>connection-ack</c> with <c>"recovered":false</c>
/// (docs/protocol.md section 5), and the gap a replay cursor runs into.
/// </summary>
public static class RecoveryReasons
{
    /// <summary>The session's history was lost (its node died between writes): its <c>seq</c> numbers started over.</summary>
    public const string EpochMismatch = "epoch-mismatch";

    /// <summary>The client claims a <c>seq</c> the session never stamped.</summary>
    public const string UnknownSeq = "unknown-seq";

    /// <summary>Events in the gap were dropped by the history bounds (per type, bytes, types).</summary>
    public const string HistoryTruncated = "history-truncated";

    /// <summary>A <c>clear-logs</c> emptied history inside the gap.</summary>
    public const string Cleared = "cleared";

    /// <summary><c>connection-init</c> came after newer events had already gone out.</summary>
    public const string LateInit = "late-init";
}
