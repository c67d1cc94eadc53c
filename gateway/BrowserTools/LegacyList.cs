namespace RapidTriage.Gateway.BrowserTools;

/// <summary>The lists browser-tools-server 1.2.0 keeps, each served from the session's history.</summary>
internal enum LegacyList
{
    /// <summary><c>GET /console-logs</c>: <c>console-log</c> events.</summary>
    ConsoleLogs,

    /// <summary><c>GET /console-errors</c>: <c>console-error</c> events.</summary>
    ConsoleErrors,

    /// <summary><c>GET /network-errors</c>: <c>network-request</c> with status 400 or more, and <c>network-error</c>.</summary>
    NetworkErrors,

    /// <summary><c>GET /network-success</c>: <c>network-request</c> with a status below 400.</summary>
    NetworkSuccess,

    /// <summary><c>GET /all-xhr</c>: both network lists, merged in the order they arrived.</summary>
    AllXhr,
}
