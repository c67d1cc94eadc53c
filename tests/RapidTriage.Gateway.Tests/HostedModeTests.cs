using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>Issue 4: <c>Relay:Mode=Hosted</c> — every endpoint needs a token whose sid picks the session.</summary>
public sealed class HostedModeTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(
        "Relay:Mode=Hosted", "Relay:Limits:ConnectionsPerAddress=3");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("/extension-ws")]
    [InlineData("/mcp-ws")]
    public async Task LocalEndpoints_WithoutToken_Get401(string path)
    {
        var (status, _) = await TestClient.ConnectOrStatusAsync(_server.WebSocketUri(path));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TokenSid_PicksTheSession_ForExtensionAndMcp()
    {
        var session = RelayFixture.NewSession();
        var token = RelayServer.Token(session);
        await using var mcp = await TestClient.ConnectAsync(_server.WebSocketUri($"/mcp-ws?access_token={token}"));
        await using var extension = await TestClient.ConnectAsync(_server.WebSocketUri("/extension-ws"),
            o => o.SetRequestHeader("Authorization", "Bearer " + token));

        Assert.Equal(session, mcp.Ack["data"]!["sessionId"]!.GetValue<string>());
        Assert.Equal(session, extension.Ack["data"]!["sessionId"]!.GetValue<string>());
        await extension.SendAsync(new { type = "console-log", id = "x", data = new { message = "hosted" } });
        Assert.Equal("hosted", (await mcp.ReceiveTypeAsync("console-log"))["data"]!["message"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task SessionQuery_ForAnotherSession_Gets403()
    {
        var (status, _) = await TestClient.ConnectOrStatusAsync(
            _server.WebSocketUri($"/mcp-ws?sessionId=victim&access_token={RelayServer.Token("attacker")}"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ConnectionsPerAddress_OverTheLimit_Get429()
    {
        var session = RelayFixture.NewSession();
        var uri = _server.WebSocketUri($"/tunnel/{session}?access_token={RelayServer.Token(session)}");
        var open = new List<TestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                open.Add(await TestClient.ConnectAsync(uri));
            }

            var (status, _) = await TestClient.ConnectOrStatusAsync(uri);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            TestClient? again = null;
            await Eventually.TrueAsync(async () => (again = (await TestClient.ConnectOrStatusAsync(uri)).Client) is not null,
                TimeSpan.FromSeconds(5), "the closed connection's slot is free");
            open.Add(again!);
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Hosted_WithoutAnyKey_RefusesToStart()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RelayServer.StartAsync("Relay:Mode=Hosted", "Relay:Auth:SigningKey="));
        Assert.Contains("Relay:Auth:SigningKey", error.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>Keys from an OpenID authority's metadata (a real identity-provider stand-in on loopback).</summary>
public sealed class AuthorityTests
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TokenSignedByAuthorityKey_IsAccepted_AndUnknownKidIsRefused()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "idp-key-1" };
        await using var idp = await StartIdentityProvider(key);
        await using var server = await RelayServer.StartAsync(
            "Relay:Mode=Hosted", "Relay:Auth:SigningKey=", $"Relay:Auth:Authority={idp.Url}", "Relay:Auth:RequireHttpsMetadata=false",
            $"Relay:Auth:Issuer={idp.Url}");
        var session = RelayFixture.NewSession();

        var good = Sign(session, idp.Url, key);
        var (status, client) = await TestClient.ConnectOrStatusAsync(server.WebSocketUri($"/tunnel/{session}?access_token={good}"));
        await using (client)
        {
            Assert.Equal(HttpStatusCode.SwitchingProtocols, status);
        }

        using var stranger = RSA.Create(2048);
        var bad = Sign(session, idp.Url, new RsaSecurityKey(stranger) { KeyId = "idp-key-2" });
        var (refused, _) = await TestClient.ConnectOrStatusAsync(server.WebSocketUri($"/tunnel/{session}?access_token={bad}"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
    }

    private static string Sign(string session, string issuer, SecurityKey key) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "rapidtriage-relay",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sid"] = session },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private static async Task<IdentityProvider> StartIdentityProvider(RsaSecurityKey key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
        string? url = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = url!, ["jwks_uri"] = url + "/jwks" }), "application/json"));
        app.MapGet("/jwks", () => Results.Text(
            JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } }), "application/json"));
        await app.StartAsync();
        url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new IdentityProvider(app, url);
    }

    private sealed record IdentityProvider(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
