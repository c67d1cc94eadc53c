using System.Net;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// <c>Relay:Limits:ConnectionsPerAddress</c> keyed on the real client: <c>X-Forwarded-For</c> counts only from the
/// proxies in <c>Relay:ForwardedHeaders</c> (off by default), and IPv6 clients are counted by their /64.
/// </summary>
public sealed class ForwardedClientTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task ForwardedFor_FromKnownProxy_EachClientGetsItsOwnLimit_AndIPv6CountedByItsSlash64()
    {
        await using var server = await RelayServer.StartAsync(
            "Relay:Limits:ConnectionsPerAddress=2", "Relay:ForwardedHeaders:KnownProxies:0=127.0.0.1");
        var session = RelayFixture.NewSession();
        var open = new List<TestClient>();
        try
        {
            open.Add(await ConnectAsync(server, session, "203.0.113.5"));
            open.Add(await ConnectAsync(server, session, "203.0.113.5"));
            Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(server, session, "203.0.113.5"));
            open.Add(await ConnectAsync(server, session, "203.0.113.6"));

            open.Add(await ConnectAsync(server, session, "2001:db8:1:2::1"));
            open.Add(await ConnectAsync(server, session, "2001:db8:1:2:ffff:ffff:ffff:fffe"));
            Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(server, session, "2001:db8:1:2::99"));
            open.Add(await ConnectAsync(server, session, "2001:db8:1:3::1"));
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task ForwardedFor_WithNoKnownProxy_Ignored_SoTheSocketPeerIsCounted()
    {
        await using var server = await RelayServer.StartAsync("Relay:Limits:ConnectionsPerAddress=2");
        var session = RelayFixture.NewSession();
        await using var first = await ConnectAsync(server, session, "203.0.113.5");
        await using var second = await ConnectAsync(server, session, "203.0.113.6");
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(server, session, "203.0.113.7"));
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task ForwardedFor_FromUntrustedPeer_Ignored()
    {
        await using var server = await RelayServer.StartAsync(
            "Relay:Limits:ConnectionsPerAddress=1", "Relay:ForwardedHeaders:KnownNetworks:0=10.0.0.0/8");
        var session = RelayFixture.NewSession();
        await using var first = await ConnectAsync(server, session, "203.0.113.5");
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(server, session, "203.0.113.6"));
    }

    private static Task<TestClient> ConnectAsync(RelayServer server, string session, string forwardedFor) =>
        TestClient.ConnectAsync(server.WebSocketUri($"/tunnel/{session}"), Options(session, forwardedFor));

    private static async Task<HttpStatusCode> StatusAsync(RelayServer server, string session, string forwardedFor) =>
        await TestClient.HandshakeStatusAsync(server.WebSocketUri($"/tunnel/{session}"), Options(session, forwardedFor));

    private static Action<System.Net.WebSockets.ClientWebSocketOptions> Options(string session, string forwardedFor) =>
        TestClient.Bearer(RelayServer.Token(session), o => o.SetRequestHeader("X-Forwarded-For", forwardedFor));
}
