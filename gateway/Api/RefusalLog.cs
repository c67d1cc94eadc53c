using System.Net;

namespace RapidTriage.Gateway.Api;

/// <summary>
/// One log line for every request the relay refuses (400, 401, 403, 426, 429, 503 while draining), on the
/// WebSocket endpoints and the HTTP API, so a refused client leaves a trace on the server. It names the status,
/// the reason, the method, the path and the remote address; never a header value or the query string, where a
/// browser's <c>?access_token=</c> travels.
/// </summary>
internal sealed partial class RefusalLog(ILogger<RefusalLog> logger)
{
    public void Refused(HttpContext context, int status, string reason) =>
        LogRefused(status, reason, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Path} from {RemoteAddress}: {Status} {Reason}")]
    private partial void LogRefused(int status, string reason, string method, PathString path, IPAddress? remoteAddress);
}
