using System.Net;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 1: what the handshake answers, checked on real sockets.</summary>
[Collection(RelayCollection.Name)]
public sealed class HandshakeTests(RelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    public static TheoryData<string, string[], string> Selections => new()
    {
        { Endpoints.Extension, ["rapidtriage-extension-v1"], "rapidtriage-extension-v1" },
        { Endpoints.Extension, ["unknown-v9", "rapidtriage-extension-v1"], "rapidtriage-extension-v1" },
        { Endpoints.Mcp, ["mcp-server-v1", "rapidtriage-client-v1"], "mcp-server-v1" },
        { Endpoints.Mcp, ["rapidtriage-client-v1", "mcp-server-v1"], "rapidtriage-client-v1" },
        { Endpoints.Mcp, ["rapidtriage-tunnel-v1", "mcp-server-v1"], "mcp-server-v1" },
        { Endpoints.Tunnel, ["rapidtriage-tunnel-v1", "rapidtriage-client-v1"], "rapidtriage-tunnel-v1" },
        { Endpoints.Tunnel, ["rapidtriage-client-v1", "rapidtriage-tunnel-v1"], "rapidtriage-client-v1" },
        { Endpoints.Tunnel, ["mcp-server-v1", "rapidtriage-tunnel-v1"], "rapidtriage-tunnel-v1" },
    };

    public static TheoryData<string, string[]> Supported => new()
    {
        { Endpoints.Extension, ["rapidtriage-extension-v1"] },
        { Endpoints.Mcp, ["mcp-server-v1", "rapidtriage-client-v1"] },
        { Endpoints.Tunnel, ["rapidtriage-tunnel-v1", "rapidtriage-client-v1"] },
    };

    [Theory(Timeout = TestTimeouts.Short)]
    [MemberData(nameof(Selections))]
    public async Task Subprotocol_SeveralOffered_FirstSupportedOneIsEchoed(string endpoint, string[] offered, string expected)
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(endpoint, session, o =>
        {
            foreach (var protocol in offered)
            {
                o.AddSubProtocol(protocol);
            }
        });

        Assert.Equal(expected, client.Subprotocol);
        var raw = await RawHttp.GetAsync(Server.BaseUri, Endpoints.PathFor(endpoint, session), [
            ("Sec-WebSocket-Protocol", string.Join(", ", offered)),
            .. TokenHeader(endpoint, session),
        ]);
        Assert.Equal(101, raw.Status);
        Assert.Equal(expected, raw.Header("Sec-WebSocket-Protocol"));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension)]
    [InlineData(Endpoints.Mcp)]
    [InlineData(Endpoints.Tunnel)]
    public async Task Subprotocol_NoneOffered_IsAcceptedWithoutOne(string endpoint)
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(endpoint, session);

        Assert.Null(client.Subprotocol);
        Assert.Equal(session, client.Ack["data"]!["sessionId"]!.GetValue<string>());
        var raw = await RawHttp.GetAsync(Server.BaseUri, Endpoints.PathFor(endpoint, session), TokenHeader(endpoint, session));
        Assert.Equal(101, raw.Status);
        Assert.Null(raw.Header("Sec-WebSocket-Protocol"));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [MemberData(nameof(Supported))]
    public async Task Subprotocol_OnlyUnknownOffered_Returns400NamingSupportedOnes(string endpoint, string[] supported)
    {
        var session = RelayFixture.NewSession();

        var raw = await RawHttp.GetAsync(Server.BaseUri, Endpoints.PathFor(endpoint, session), [
            ("Sec-WebSocket-Protocol", "chat, superchat-v2"),
            .. TokenHeader(endpoint, session),
        ]);

        Assert.Equal(400, raw.Status);
        Assert.All(supported, protocol => Assert.Contains(protocol, raw.Body, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, await TestClient.HandshakeStatusAsync(
            Server.WebSocketUri(Endpoints.PathFor(endpoint, session)),
            Endpoints.OptionsFor(endpoint, session, o => o.AddSubProtocol("chat"))));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("/extension-ws")]
    [InlineData("/mcp-ws")]
    [InlineData("/tunnel/some-session")]
    public async Task PlainGet_OnWebSocketPath_Returns426WithTextBody(string path)
    {
        var raw = await RawHttp.GetAsync(Server.BaseUri, path, upgrade: false);

        Assert.Equal(426, raw.Status);
        Assert.StartsWith("text/plain", raw.Header("Content-Type"), StringComparison.OrdinalIgnoreCase);
        Assert.InRange(raw.Body.Trim().Length, 1, 500);
        Assert.Contains("websocket", raw.Header("Upgrade"), StringComparison.OrdinalIgnoreCase);
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("/nope", false)]
    [InlineData("/nope", true)]
    [InlineData("/extension-ws/extra", true)]
    [InlineData("/tunnel", true)]
    [InlineData("/tunnel/a/b", true)]
    [InlineData("/ws", true)]
    public async Task UnknownPath_AnyRequest_Returns404(string path, bool upgrade)
    {
        var raw = await RawHttp.GetAsync(Server.BaseUri, path, upgrade: upgrade);

        Assert.Equal(404, raw.Status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tunnel_WithoutToken_Returns401()
    {
        var session = RelayFixture.NewSession();

        var raw = await RawHttp.GetAsync(Server.BaseUri, $"/tunnel/{session}");

        Assert.Equal(401, raw.Status);
        Assert.NotEmpty(raw.Body.Trim());
        Assert.Equal(HttpStatusCode.Unauthorized, await TestClient.HandshakeStatusAsync(Server.WebSocketUri($"/tunnel/{session}")));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("garbage")]
    [InlineData("wrong-key")]
    [InlineData("expired")]
    [InlineData("wrong-issuer")]
    [InlineData("wrong-audience")]
    [InlineData("alg-none")]
    [InlineData("no-exp")]
    public async Task Tunnel_WithInvalidToken_Returns401(string defect)
    {
        var session = RelayFixture.NewSession();
        var token = BadToken(defect, session);

        var status = await TestClient.HandshakeStatusAsync(Server.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(token));
        var viaQuery = await TestClient.HandshakeStatusAsync(Server.WebSocketUri($"/tunnel/{session}?access_token={Uri.EscapeDataString(token)}"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, viaQuery);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tunnel_TokenForAnotherSession_Returns403()
    {
        var session = RelayFixture.NewSession();

        var status = await TestClient.HandshakeStatusAsync(
            Server.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(RelayServer.Token(RelayFixture.NewSession())));
        var viaQuery = await TestClient.HandshakeStatusAsync(
            Server.WebSocketUri($"/tunnel/{session}?access_token={RelayServer.Token(RelayFixture.NewSession())}"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.Forbidden, viaQuery);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tunnel_SessionHeaderDiffersFromPath_Returns400()
    {
        var session = RelayFixture.NewSession();

        var mismatch = await TestClient.HandshakeStatusAsync(Server.WebSocketUri($"/tunnel/{session}"),
            TestClient.Bearer(RelayServer.Token(session), o => o.SetRequestHeader("X-Session-ID", session + "-other")));
        await using var matching = await TestClient.ConnectAsync(Server.WebSocketUri($"/tunnel/{session}"),
            TestClient.Bearer(RelayServer.Token(session), o => o.SetRequestHeader("X-Session-ID", session)));

        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Equal(session, matching.Ack["data"]!["sessionId"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tunnel_AccessTokenQuery_IsAccepted()
    {
        var session = RelayFixture.NewSession();

        await using var client = await TestClient.ConnectAsync(Server.WebSocketUri($"/tunnel/{session}?access_token={RelayServer.Token(session)}"));

        Assert.Equal(session, client.Ack["data"]!["sessionId"]!.GetValue<string>());
        Assert.Equal("heartbeat", (await client.HeartbeatAsync()).Type());
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension, "https://evil.example")]
    [InlineData(Endpoints.Mcp, "http://localhost:3025.evil.example")]
    [InlineData(Endpoints.Mcp, "http://localhost:8080")]
    [InlineData(Endpoints.Tunnel, "https://rapidtriage.me.evil.example")]
    [InlineData(Endpoints.Extension, "https://chrome-extension.evil.example")]
    public async Task Origin_NotAllowed_Returns403(string endpoint, string origin)
    {
        var session = RelayFixture.NewSession();

        var status = await TestClient.HandshakeStatusAsync(
            Server.WebSocketUri(Endpoints.PathFor(endpoint, session)),
            Endpoints.OptionsFor(endpoint, session, o => o.SetRequestHeader("Origin", origin)));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension, "chrome-extension://abc")]
    [InlineData(Endpoints.Extension, "moz-extension://0f1e2d3c-4b5a")]
    [InlineData(Endpoints.Mcp, "http://localhost:3025")]
    [InlineData(Endpoints.Tunnel, "https://rapidtriage.me")]
    public async Task Origin_Allowed_IsAccepted(string endpoint, string origin)
    {
        var session = RelayFixture.NewSession();

        await using var client = await Server.ConnectAsync(endpoint, session, o => o.SetRequestHeader("Origin", origin));

        Assert.Equal(session, client.Ack["data"]!["sessionId"]!.GetValue<string>());
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("evil.example")]
    [InlineData("evil.example:3025")]
    [InlineData("localhost.evil.example")]
    [InlineData("rapidtriage.me")]
    [InlineData("10.0.0.5:3025")]
    public async Task Host_NotLoopbackInLocalMode_Returns403(string host)
    {
        var session = RelayFixture.NewSession();

        var extension = await RawHttp.GetAsync(Server.BaseUri, $"/extension-ws?sessionId={session}", host: host);
        var tunnel = await RawHttp.GetAsync(Server.BaseUri, $"/tunnel/{session}", TokenHeader(Endpoints.Tunnel, session), host: host);

        Assert.Equal(403, extension.Status);
        Assert.Equal(403, tunnel.Status);
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task Host_LoopbackInLocalMode_IsAccepted(string hostName)
    {
        var session = RelayFixture.NewSession();

        var raw = await RawHttp.GetAsync(Server.BaseUri, $"/extension-ws?sessionId={session}", host: $"{hostName}:{Server.BaseUri.Port}");

        Assert.Equal(101, raw.Status);
    }

    private static (string, string)[] TokenHeader(string endpoint, string session) =>
        endpoint == Endpoints.Tunnel ? [("Authorization", "Bearer " + RelayServer.Token(session))] : [];

    private static string BadToken(string defect, string session) => defect switch
    {
        "garbage" => "not-a-jwt",
        "wrong-key" => RelayServer.Token(session, key: "some-other-signing-key-that-is-long-enough-0123"),
        "expired" => RelayServer.Token(session, lifetime: TimeSpan.FromMinutes(-5)),
        "wrong-issuer" => RelayServer.Token(session, issuer: "someone-else"),
        "wrong-audience" => RelayServer.Token(session, audience: "someone-else"),
        "alg-none" => UnsignedToken(session),
        _ => TokenWithoutExpiry(session),
    };

    private static string TokenWithoutExpiry(string session)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "rapidtriage",
            Audience = "rapidtriage-relay",
            Claims = new Dictionary<string, object> { ["sid"] = session },
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(RelayServer.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static string UnsignedToken(string session)
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
            + Encode($"{{\"sid\":\"{session}\",\"iss\":\"rapidtriage\",\"aud\":\"rapidtriage-relay\",\"exp\":{exp}}}") + ".";
    }
}
