using System.Net.WebSockets;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>Connects to the three endpoints of a session the way each needs (tunnel with a token).</summary>
internal static class Endpoints
{
    public const string Extension = "/extension-ws";
    public const string Mcp = "/mcp-ws";
    public const string Tunnel = "/tunnel";

    /// <summary>Path and query of <paramref name="endpoint"/> for <paramref name="session"/>.</summary>
    public static string PathFor(string endpoint, string session) =>
        endpoint == Tunnel ? $"/tunnel/{session}" : $"{endpoint}?sessionId={session}";

    /// <summary>Options that carry what the endpoint needs: a token for the tunnel.</summary>
    public static Action<ClientWebSocketOptions>? OptionsFor(string endpoint, string session, Action<ClientWebSocketOptions>? more = null) =>
        endpoint == Tunnel ? TestClient.Bearer(RelayServer.Token(session), more) : more;

    public static Task<TestClient> ConnectAsync(this RelayServer server, string endpoint, string session, Action<ClientWebSocketOptions>? more = null) =>
        TestClient.ConnectAsync(server.WebSocketUri(PathFor(endpoint, session)), OptionsFor(endpoint, session, more));

    public static Task<TestClient> ConnectInitializedAsync(this RelayServer server, string endpoint, string session, object initData) =>
        TestClient.ConnectInitializedAsync(server.WebSocketUri(PathFor(endpoint, session)), initData, OptionsFor(endpoint, session));
}
