using System.Net;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// <c>Relay:Local:MaxSessions</c>: local endpoints refuse a new <c>?sessionId=</c> while that many sessions have open
/// connections (429, saying which key), never the default session, and take it once a session is left.
/// </summary>
public sealed class LocalSessionLimitTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task LocalEndpoints_OverMaxSessions_RefusedWithClearMessage_UntilASessionIsLeft()
    {
        await using var server = await RelayServer.StartAsync("Relay:Local:MaxSessions=2");
        var (one, two, three) = (RelayFixture.NewSession(), RelayFixture.NewSession(), RelayFixture.NewSession());
        var first = await server.ConnectAsync(Endpoints.Extension, one);
        await using var second = await server.ConnectAsync(Endpoints.Mcp, two);

        var refused = await RawHttp.GetAsync(server.BaseUri, $"/mcp-ws?sessionId={three}");
        Assert.Equal(429, refused.Status);
        Assert.Contains("Relay:Local:MaxSessions", refused.Body, StringComparison.Ordinal);

        // Sessions already held take more connections; the default session is always open; tunnels (tokens) are not counted.
        await using var secondToo = await server.ConnectAsync(Endpoints.Extension, two);
        await using var defaultSession = await TestClient.ConnectAsync(server.WebSocketUri("/mcp-ws"));
        await using var tunnel = await server.ConnectAsync(Endpoints.Tunnel, three);

        await first.DisposeAsync();
        // The server lets the session go when the closed socket's request ends, a moment after the client's close.
        var status = HttpStatusCode.TooManyRequests;
        await Eventually.TrueAsync(async () =>
        {
            status = await TestClient.HandshakeStatusAsync(server.WebSocketUri($"/mcp-ws?sessionId={three}"));
            return status != HttpStatusCode.TooManyRequests;
        }, TimeSpan.FromSeconds(5), "the closed session's slot is free");

        Assert.Equal(HttpStatusCode.SwitchingProtocols, status);
    }
}
