using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>Issue 4: every token refusal gets its status, and nothing of the session reaches the refused client.</summary>
public sealed class TokenTests : IAsyncLifetime
{
    private const string RotatedKey = "the-previous-signing-key-still-accepted-0123456789";
    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly ECDsa Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(
        $"Relay:Auth:AdditionalSigningKeys:0={RotatedKey}",
        $"Relay:Auth:PublicKeys:0={Rsa.ExportSubjectPublicKeyInfoPem()}",
        $"Relay:Auth:PublicKeys:1={Ec.ExportSubjectPublicKeyInfoPem()}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> RefusedTokens()
    {
        const string s = "sess-a";
        var data = new TheoryData<string, string>
        {
            { "malformed", "not.a.token" },
            { "garbage", "eyJhbGciOi" },
            { "bad signature", RelayServer.Token(s, key: "some-other-key-that-the-relay-never-saw-012345") },
            { "alg none", Unsigned(s) },
            { "expired", RelayServer.Token(s, lifetime: TimeSpan.FromMinutes(-5)) },
            { "not yet valid", RelayServer.Token(s, lifetime: TimeSpan.FromMinutes(30), notBefore: DateTime.UtcNow.AddMinutes(10)) },
            { "wrong issuer", RelayServer.Token(s, issuer: "someone-else") },
            { "wrong audience", RelayServer.Token(s, audience: "another-service") },
            { "no exp", NoExpiry(s) },
            { "no sid", Sign(new Dictionary<string, object> { ["sub"] = "x" }, SecurityAlgorithms.HmacSha256, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(RelayServer.SigningKey))) },
            { "rs256 by unknown key", Sign(Claims(s), SecurityAlgorithms.RsaSha256, new RsaSecurityKey(RSA.Create(2048))) },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Tunnel_WithRefusedToken_Gets401AndNoSocket(string why, string token)
    {
        var (status, socket) = await TryConnect("/tunnel/sess-a", token);
        Assert.True(status == HttpStatusCode.Unauthorized, $"{why}: expected 401, got {status}");
        Assert.Null(socket);
    }

    [Fact]
    public async Task Tunnel_WithoutToken_Gets401()
    {
        var (status, _) = await TryConnect("/tunnel/sess-a", null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Tunnel_WithOtherSessionsToken_Gets403()
    {
        var (status, _) = await TryConnect("/tunnel/sess-a", RelayServer.Token("sess-b"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory]
    [InlineData("hs256 primary")]
    [InlineData("hs256 rotated")]
    [InlineData("rs256")]
    [InlineData("es256")]
    public async Task Tunnel_WithTokenFromAnyConfiguredKey_IsAccepted(string kind)
    {
        var session = RelayFixture.NewSession();
        var token = kind switch
        {
            "hs256 primary" => RelayServer.Token(session),
            "hs256 rotated" => RelayServer.Token(session, key: RotatedKey),
            "rs256" => Sign(Claims(session), SecurityAlgorithms.RsaSha256, new RsaSecurityKey(Rsa)),
            _ => Sign(Claims(session), SecurityAlgorithms.EcdsaSha256, new ECDsaSecurityKey(Ec)),
        };

        var (status, socket) = await TryConnect($"/tunnel/{session}", token);
        await using var client = socket;
        Assert.Equal(HttpStatusCode.SwitchingProtocols, status);
        Assert.Equal(session, client!.Ack["data"]!["sessionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_ExpiringWhileConnected_ClosesWith4001()
    {
        var session = RelayFixture.NewSession();
        await using var client = await TestClient.ConnectAsync(_server.WebSocketUri($"/tunnel/{session}"),
            o => o.SetRequestHeader("Authorization", "Bearer " + RelayServer.Token(session, lifetime: TimeSpan.FromSeconds(2))));

        var status = await client.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((WebSocketCloseStatus)4001, status);
    }

    [Fact]
    public async Task AuthRefresh_BeforeExpiry_KeepsTheSocketOpen()
    {
        // exp has whole-second precision, so a 2 s token may have barely a second left; 4 s leaves room for a
        // loaded machine to finish the handshake and the refresh before the first token runs out.
        var session = RelayFixture.NewSession();
        await using var client = await TestClient.ConnectAsync(_server.WebSocketUri($"/tunnel/{session}"),
            o => o.SetRequestHeader("Authorization", "Bearer " + RelayServer.Token(session, lifetime: TimeSpan.FromSeconds(4))));

        await client.SendAsync(new { type = "auth-refresh", id = "r1", data = new { token = RelayServer.Token(session, lifetime: TimeSpan.FromMinutes(5)) } });
        var ack = await client.ReceiveTypeAsync("auth-refresh-ack");
        Assert.Equal("r1", ack["id"]!.GetValue<string>());
        Assert.True(ack["data"]!["expiresAt"]!.GetValue<long>() > DateTimeOffset.UtcNow.AddMinutes(4).ToUnixTimeMilliseconds());

        await Task.Delay(TimeSpan.FromSeconds(5));
        await client.SendAsync(new { type = "heartbeat", id = "hb" });
        var heartbeat = await client.ReceiveTypeAsync("heartbeat");
        Assert.Equal("alive", heartbeat["data"]!["status"]!.GetValue<string>());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task AuthRefresh_WithBadOrForeignToken_IsRefused_AndOldExpiryStands()
    {
        var session = RelayFixture.NewSession();
        await using var client = await TestClient.ConnectAsync(_server.WebSocketUri($"/tunnel/{session}"),
            o => o.SetRequestHeader("Authorization", "Bearer " + RelayServer.Token(session, lifetime: TimeSpan.FromSeconds(3))));

        await client.SendAsync(new { type = "auth-refresh", id = "f", data = new { token = RelayServer.Token("other-session") } });
        var forbidden = await client.ReceiveTypeAsync("error");
        Assert.Equal("forbidden", forbidden["data"]!["code"]!.GetValue<string>());
        Assert.Equal("f", forbidden["data"]!["refId"]!.GetValue<string>());

        await client.SendAsync(new { type = "auth-refresh", id = "b", data = new { token = "nonsense" } });
        var invalid = await client.ReceiveTypeAsync("error");
        Assert.Equal("invalid-token", invalid["data"]!["code"]!.GetValue<string>());

        Assert.Equal((WebSocketCloseStatus)4001, await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    private Task<(HttpStatusCode Status, TestClient? Client)> TryConnect(string path, string? token) =>
        TestClient.ConnectOrStatusAsync(_server.WebSocketUri(path), o =>
        {
            if (token is not null)
            {
                o.SetRequestHeader("Authorization", "Bearer " + token);
            }
        });

    private static Dictionary<string, object> Claims(string session) => new() { ["sid"] = session };

    private static string Sign(Dictionary<string, object> claims, string algorithm, SecurityKey key) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "rapidtriage",
            Audience = "rapidtriage-relay",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    private static string Unsigned(string session)
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        return Base64Url.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
            Base64Url.Encode($"{{\"sid\":\"{session}\",\"iss\":\"rapidtriage\",\"aud\":\"rapidtriage-relay\",\"exp\":{exp}}}") + ".";
    }

    private static string NoExpiry(string session)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "rapidtriage",
            Audience = "rapidtriage-relay",
            Claims = Claims(session),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(RelayServer.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static class Base64Url
    {
        public static string Encode(string text) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
