using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Auth;

/// <summary>Reads the configured keys (README "Security"): HS256 secrets and RS256/ES256 public keys.</summary>
internal static class SigningKeys
{
    public const int MinimumHmacBytes = 32;

    /// <summary><c>Relay:Auth:SigningKey</c> format: UTF-8 text, or <c>base64:</c> and base64 bytes; 32 bytes at least.</summary>
    public static SymmetricSecurityKey Hmac(string configured, string setting, string keyId)
    {
        byte[] bytes;
        try
        {
            bytes = configured.StartsWith("base64:", StringComparison.Ordinal)
                ? Convert.FromBase64String(configured["base64:".Length..])
                : Encoding.UTF8.GetBytes(configured);
        }
        catch (FormatException)
        {
            throw Invalid($"{setting} starts with base64: but is not valid base64.");
        }

        if (bytes.Length < MinimumHmacBytes)
        {
            throw Invalid($"{setting} must be at least {MinimumHmacBytes} bytes for HS256; it is {bytes.Length}.");
        }

        return new SymmetricSecurityKey(bytes) { KeyId = keyId };
    }

    /// <summary>A PEM public key (RSA or EC), given inline or as <c>file:/path.pem</c>.</summary>
    public static AsymmetricSecurityKey Public(string configured, string setting, string keyId)
    {
        var pem = configured.StartsWith("file:", StringComparison.Ordinal) ? File.ReadAllText(configured["file:".Length..]) : configured;
        var rsa = RSA.Create();
        if (TryImport(rsa, pem))
        {
            return new RsaSecurityKey(rsa) { KeyId = keyId };
        }

        rsa.Dispose();
        var ec = ECDsa.Create();
        if (TryImport(ec, pem))
        {
            return new ECDsaSecurityKey(ec) { KeyId = keyId };
        }

        ec.Dispose();
        throw Invalid($"{setting} is not a PEM RSA or EC public key.");
    }

    public static IReadOnlyList<SecurityKey> Configured(AuthOptions auth)
    {
        var keys = new List<SecurityKey>();
        if (auth.SigningKey is { Length: > 0 } primary)
        {
            keys.Add(Hmac(primary, "Relay:Auth:SigningKey", "primary"));
        }

        foreach (var (extra, i) in (auth.AdditionalSigningKeys ?? []).Select((k, i) => (k, i)))
        {
            keys.Add(Hmac(extra, $"Relay:Auth:AdditionalSigningKeys:{i}", $"additional-{i}"));
        }

        foreach (var (pem, i) in (auth.PublicKeys ?? []).Select((k, i) => (k, i)))
        {
            keys.Add(Public(pem, $"Relay:Auth:PublicKeys:{i}", $"public-{i}"));
        }

        return keys;
    }

    private static bool TryImport(AsymmetricAlgorithm algorithm, string pem)
    {
        try
        {
            algorithm.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new("Relay:Auth", typeof(AuthOptions), [message]);
}
