using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Auth;

/// <summary>Validates relay tokens (contract section 1) and mints them for operators and development.</summary>
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
        if (_options.SigningKey is { Length: > 0 } configured)
        {
            SigningKey = new SymmetricSecurityKey(ParseKey(configured)) { KeyId = "primary" };
            IsGeneratedKey = false;
        }
        else if (options.Value.Mode == RelayMode.Local)
        {
            SigningKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "development" };
            IsGeneratedKey = true;
        }
        else
        {
            throw new OptionsValidationException("Relay:Auth:SigningKey", typeof(AuthOptions),
                ["Hosted mode needs Relay:Auth:SigningKey (at least 32 bytes, or base64:...)."]);
        }

        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = SigningKey,
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
    }

    public SymmetricSecurityKey SigningKey { get; }

    /// <summary>True when local mode made a random key at start (tokens die with the process).</summary>
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
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { [SessionClaim] = sessionId };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Reads <c>Relay:Auth:SigningKey</c>: UTF-8 text, or <c>base64:</c> and base64 bytes; 32 bytes at least.</summary>
    public static byte[] ParseKey(string configured)
    {
        var bytes = configured.StartsWith("base64:", StringComparison.Ordinal)
            ? Convert.FromBase64String(configured["base64:".Length..])
            : Encoding.UTF8.GetBytes(configured);
        if (bytes.Length < 32)
        {
            throw new OptionsValidationException("Relay:Auth:SigningKey", typeof(AuthOptions),
                [$"Relay:Auth:SigningKey must be at least 32 bytes for HS256; it is {bytes.Length}."]);
        }

        return bytes;
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
