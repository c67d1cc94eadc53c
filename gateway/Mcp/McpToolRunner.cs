using ModelContextProtocol.Protocol;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// Runs a tool for the caller <see cref="McpAdmission"/> admitted: counts it by outcome, and turns any failure
/// of the session into a tool error, never a protocol error.
/// </summary>
internal sealed partial class McpToolRunner(IHttpContextAccessor http, McpMetrics metrics, ILogger<McpToolRunner> logger)
{
    public async Task<CallToolResult> RunAsync(string tool, Func<McpCaller, Task<ToolReply>> body)
    {
        // Admission sets the caller on every request that reaches the MCP handler; a missing one is a wiring bug.
        var caller = http.HttpContext?.Features.Get<McpCaller>()
            ?? throw new InvalidOperationException("An MCP tool ran outside an admitted /mcp request.");
        ToolReply reply;
        try
        {
            reply = await body(caller);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogToolFailed(ex, tool, caller.SessionId);
            reply = ToolReply.Error(ToolReply.Failed,
                $"The relay could not serve {tool} for session '{caller.SessionId}': {ex.Message} Try again; if it keeps failing, check the relay's log.");
        }

        metrics.ToolCalled(tool, reply.Outcome);
        return reply.Result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP tool {Tool} failed in session {SessionId}")]
    private partial void LogToolFailed(Exception ex, string tool, string sessionId);
}
