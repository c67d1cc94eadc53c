namespace RapidTriage.Contracts;

/// <summary>The envelope types the relay knows and how each is routed (docs/protocol.md section 4).</summary>
public static class MessageTypes
{
    /// <summary><c>connection-ack</c></summary>
    public const string ConnectionAck = "connection-ack";
    /// <summary><c>connection-init</c></summary>
    public const string ConnectionInit = "connection-init";
    /// <summary><c>connection-close</c></summary>
    public const string ConnectionClose = "connection-close";
    /// <summary><c>heartbeat</c></summary>
    public const string Heartbeat = "heartbeat";
    /// <summary><c>history-request</c></summary>
    public const string HistoryRequest = "history-request";
    /// <summary><c>history-response</c></summary>
    public const string HistoryResponse = "history-response";
    /// <summary><c>auth-refresh</c></summary>
    public const string AuthRefresh = "auth-refresh";
    /// <summary><c>auth-refresh-ack</c></summary>
    public const string AuthRefreshAck = "auth-refresh-ack";
    /// <summary><c>error</c></summary>
    public const string Error = "error";
    /// <summary><c>screenshot-request</c></summary>
    public const string ScreenshotRequest = "screenshot-request";
    /// <summary><c>screenshot-response</c></summary>
    public const string ScreenshotResponse = "screenshot-response";
    /// <summary><c>clear-logs</c></summary>
    public const string ClearLogs = "clear-logs";
    /// <summary><c>clear-logs-ack</c></summary>
    public const string ClearLogsAck = "clear-logs-ack";
    /// <summary><c>member-joined</c></summary>
    public const string MemberJoined = "member-joined";
    /// <summary><c>member-updated</c></summary>
    public const string MemberUpdated = "member-updated";
    /// <summary><c>member-left</c></summary>
    public const string MemberLeft = "member-left";
    /// <summary><c>publish-ack</c></summary>
    public const string PublishAck = "publish-ack";

    /// <summary>True for the types the gateway handles itself and never forwards.</summary>
    public static bool IsControl(string type) => type is ConnectionInit or ConnectionClose or Heartbeat
        or HistoryRequest or AuthRefresh;

    /// <summary>
    /// True for the types only the relay sends. A client sending one would otherwise have it relayed as an
    /// event, letting it pass for the relay (a forged <c>member-left</c> or <c>connection-ack</c>).
    /// </summary>
    public static bool IsServerOnly(string type) => type is ConnectionAck or Error or MemberJoined or MemberUpdated
        or MemberLeft or AuthRefreshAck or ClearLogsAck or HistoryResponse or PublishAck;

    /// <summary>Routing kind of a non-control type: anything not a command or response is an event.</summary>
    public static EnvelopeKind KindOf(string type) => type switch
    {
        ScreenshotRequest or ClearLogs => EnvelopeKind.Command,
        ScreenshotResponse => EnvelopeKind.Response,
        _ => EnvelopeKind.Event,
    };

    /// <summary>
    /// The capabilities of which a member needs at least one to receive <paramref name="commandType"/>.
    /// </summary>
    public static IReadOnlyList<string> CapabilitiesFor(string commandType) => commandType switch
    {
        ScreenshotRequest => [Capabilities.ScreenshotCapture],
        _ => Capabilities.AllCapture,
    };

    /// <summary>The response type a command waits for, or null when it waits for none.</summary>
    public static string? ResponseTypeFor(string commandType) =>
        commandType == ScreenshotRequest ? ScreenshotResponse : null;
}
