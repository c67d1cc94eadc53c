using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Handshake;

/// <summary>A WebSocket endpoint: its path, role and the subprotocols it selects (docs/protocol.md section 1).</summary>
internal sealed record Endpoint(string Path, ConnectionRole Role, IReadOnlyList<string> Subprotocols)
{
    /// <summary>
    /// The protocol name every <c>connection-ack</c> lists in <c>supportedProtocols</c>; a client that offers it as
    /// its subprotocol is accepted on every endpoint (after the endpoint's own names).
    /// </summary>
    public const string Protocol = "rapidtriage-v1";

    public static Endpoint Extension { get; } = new("/extension-ws", ConnectionRole.Extension, ["rapidtriage-extension-v1", Protocol]);

    public static Endpoint Mcp { get; } = new("/mcp-ws", ConnectionRole.Mcp, ["mcp-server-v1", "rapidtriage-client-v1", Protocol]);

    public static Endpoint Tunnel { get; } = new("/tunnel/{sessionId}", ConnectionRole.Tunnel, ["rapidtriage-tunnel-v1", "rapidtriage-client-v1", Protocol]);
}
