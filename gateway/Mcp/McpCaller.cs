namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// Who an admitted <c>/mcp</c> request acts for: its session (query, default or token) and a caller id for the
/// commands it sends. Set by <see cref="McpAdmission"/> as a request feature before the MCP handler runs.
/// </summary>
internal sealed record McpCaller(string SessionId, string CallerId);
