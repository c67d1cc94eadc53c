namespace RapidTriage.Gateway.Options;

/// <summary><c>Relay:Auth:*</c>: the keys that sign and check relay tokens, and the claims checked.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Relay:Auth";

    /// <summary>HS256 key: UTF-8 text of at least 32 bytes, or <c>base64:</c> and the key bytes in base64. Mints tokens.</summary>
    public string? SigningKey { get; set; }

    /// <summary>More HS256 keys still accepted (same format), so a key can be rotated with no refused client.</summary>
    public List<string>? AdditionalSigningKeys { get; set; }

    /// <summary>RS256/ES256 public keys: PEM text, or <c>file:</c> and a path to a PEM file.</summary>
    public List<string>? PublicKeys { get; set; }

    /// <summary>An OpenID Connect authority whose metadata (<c>/.well-known/openid-configuration</c>) lists the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>Refuse plain-http authority metadata; turn off only for a loopback identity provider in development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public string? Issuer { get; set; } = "rapidtriage";

    public string? Audience { get; set; } = "rapidtriage-relay";

    /// <summary>Lifetime of the development token printed at start in local mode.</summary>
    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
