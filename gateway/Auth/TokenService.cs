using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Auth;

/// <summary>
/// Validates relay tokens (docs/protocol.md section 1): signed (HS256, RS256 or ES256 with a configured key, or a
/// key from an OpenID authority), <c>exp</c> required, <c>nbf</c>, issuer and audience when configured,
/// 30 s clock skew at most, and a <c>sid</c> claim naming the one session it opens. Also mints HS256 tokens.
/// </summary>
internal sealed class TokenService
{
    public const string SessionClaim = "sid";
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly AuthOptions _options;

    public TokenService(IOptions<RelayOptions> options)
    {
        _options = options.Value.Auth;
        var keys = SigningKeys.Configured(_options).ToList();
        if (_options.SigningKey is { Length: > 0 })
        {
            MintingKey = (SymmetricSecurityKey)keys[0];
        }
        else if (options.Value.Mode == RelayMode.Local)
        {
            MintingKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(SigningKeys.MinimumHmacBytes)) { KeyId = "development" };
            IsGeneratedKey = true;
            keys.Add(MintingKey);
        }

        if (keys.Count == 0 && string.IsNullOrEmpty(_options.Authority))
        {
            throw new OptionsValidationException("Relay:Auth", typeof(AuthOptions),
                ["Hosted mode needs a key: Relay:Auth:SigningKey, Relay:Auth:PublicKeys or Relay:Auth:Authority."]);
        }

        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = MaxClockSkew,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            ValidateIssuer = !string.IsNullOrEmpty(_options.Issuer),
            ValidIssuer = _options.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(_options.Audience),
            ValidAudience = _options.Audience,
        };

        if (_options.Authority is { Length: > 0 } authority)
        {
            // Keys from the authority's metadata, refreshed by the manager (and on an unknown kid).
            var metadata = authority.TrimEnd('/') + "/.well-known/openid-configuration";
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                metadata, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = _options.RequireHttpsMetadata });
        }
    }

    /// <summary>The HS256 key tokens are minted with, if any.</summary>
    public SymmetricSecurityKey? MintingKey { get; }

    /// <summary>True when local mode made a random key at start (its tokens die with the process).</summary>
    public bool IsGeneratedKey { get; }

    public async Task<TokenCheck> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return TokenCheck.Fail("missing token");
        }

        if (token.Length > 8192)
        {
            return TokenCheck.Fail("token too long");
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, _parameters);
        }
        catch (ArgumentException)
        {
            return TokenCheck.Fail("malformed token");
        }

        if (!result.IsValid)
        {
            return TokenCheck.Fail(Describe(result.Exception));
        }

        if (!result.Claims.TryGetValue(SessionClaim, out var sid) || sid is not string sessionId || sessionId.Length == 0)
        {
            return TokenCheck.Fail("token has no sid claim");
        }

        var expires = result.SecurityToken is JsonWebToken jwt ? new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) : DateTimeOffset.MaxValue;
        return new TokenCheck(true, sessionId, expires, null);
    }

    public string Mint(string sessionId, TimeSpan lifetime, string? subject = null)
    {
        var key = MintingKey ?? throw new InvalidOperationException("Minting needs Relay:Auth:SigningKey.");
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { [SessionClaim] = sessionId };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = string.IsNullOrEmpty(_options.Issuer) ? null : _options.Issuer,
            Audience = string.IsNullOrEmpty(_options.Audience) ? null : _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private static string Describe(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenNoExpirationException => "token has no exp",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenMalformedException => "malformed token",
        _ => "invalid token",
    };
}

/// <summary>The outcome of a token check.</summary>
internal sealed record TokenCheck(bool IsValid, string? SessionId, DateTimeOffset ExpiresAt, string? Failure)
{
    public static TokenCheck Fail(string reason) => new(false, null, DateTimeOffset.MinValue, reason);
}
