using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RapidTriage.Gateway.Hosting;

namespace RapidTriage.Testing;

/// <summary>
/// A real gateway (Kestrel on a loopback port, embedded silo on free ports) for end-to-end tests.
/// Settings are passed as configuration keys, exactly as a user would (<c>Relay:RateLimit:Burst=5</c>).
/// </summary>
public sealed class RelayServer : IAsyncDisposable
{
    public const string SigningKey = "test-signing-key-for-rapidtriage-relay-0123456789";

    private readonly WebApplication _app;

    private RelayServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseUri { get; }

    public IServiceProvider Services => _app.Services;

    public Uri WebSocketUri(string pathAndQuery) =>
        new($"ws://{BaseUri.Authority}{(pathAndQuery.StartsWith('/') ? "" : "/")}{pathAndQuery}");

    public static Task<RelayServer> StartAsync(params string[] settings) => StartAsync(static _ => { }, settings);

    /// <summary>Starts a gateway; <paramref name="configure"/> sees the builder last (a log capture, say).</summary>
    public static async Task<RelayServer> StartAsync(Action<WebApplicationBuilder> configure, params string[] settings)
    {
        var defaults = new Dictionary<string, string>
        {
            ["Relay:Urls"] = "http://127.0.0.1:0",
            ["Relay:Silo:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Silo:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Auth:SigningKey"] = SigningKey,
            ["Relay:InitGracePeriod"] = "00:00:00.200",
            // Sockets still open when a test's server stops are drained quickly, not over the production 10 s.
            ["Relay:DrainWindow"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var setting in settings)
        {
            var at = setting.IndexOf('=', StringComparison.Ordinal);
            defaults[setting[..at]] = setting[(at + 1)..];
        }

        var args = defaults.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        var app = RelayApp.Build(args, builder =>
        {
            builder.Logging.AddFilter("Orleans", LogLevel.Warning);
            configure(builder);
        });
        await app.StartAsync();
        return new RelayServer(app, LoopbackApp.BaseUri(app));
    }

    /// <summary>A token signed with the test key.</summary>
    public static string Token(
        string sessionId,
        TimeSpan? lifetime = null,
        string issuer = "rapidtriage",
        string audience = "rapidtriage-relay",
        string key = SigningKey,
        DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var handler = new JsonWebTokenHandler();
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-1) : now,
            NotBefore = notBefore ?? (expires < now ? expires.AddMinutes(-1) : now),
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sid"] = sessionId },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    public ValueTask DisposeAsync() => LoopbackApp.StopAsync(_app, TimeSpan.FromSeconds(20));
}
