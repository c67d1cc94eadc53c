using System.Net;
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

    [Theory(Timeout = TestTimeouts.Short)]
    [MemberData(nameof(RefusedTokens))]
    public async Task Tunnel_WithRefusedToken_Gets401AndNoSocket(string why, string token)
    {
        var (status, socket) = await TryConnect("/tunnel/sess-a", token);
        Assert.True(status == HttpStatusCode.Unauthorized, $"{why}: expected 401, got {status}");
        Assert.Null(socket);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tunnel_WithoutToken_Gets401()
    {
        var (status, _) = await TryConnect("/tunnel/sess-a", null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tunnel_WithOtherSessionsToken_Gets403()
    {
        var (status, _) = await TryConnect("/tunnel/sess-a", RelayServer.Token("sess-b"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory(Timeout = TestTimeouts.Short)]
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
