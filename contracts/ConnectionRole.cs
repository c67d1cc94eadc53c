namespace RapidTriage.Contracts;

/// <summary>The endpoint a connection came in on (docs/protocol.md section 1).</summary>
public enum ConnectionRole
{
    /// <summary><c>/extension-ws</c>: the browser extension that captures data and serves commands.</summary>
    Extension = 0,

    /// <summary><c>/mcp-ws</c>: an MCP server or local AI client.</summary>
    Mcp = 1,

    /// <summary><c>/tunnel/{sessionId}</c>: a remote client, possibly a connector serving commands.</summary>
    Tunnel = 2,
}
