using Microsoft.Extensions.Primitives;

namespace RapidTriage.Gateway.Handshake;

/// <summary>
/// Why a request that asks for a WebSocket upgrade (<c>Upgrade: websocket</c>) is not a valid one (RFC 6455
/// section 4.1). ASP.NET Core only says "not a WebSocket request"; a person with curl needs the header at fault.
/// </summary>
internal static class UpgradeRequestCheck
{
    /// <summary>A valid key is base64 of 16 bytes: 24 characters.</summary>
    private const int KeyBytes = 16;

    /// <summary>The fault, or null when the request does not ask for an upgrade (a plain GET) or none is found.</summary>
    public static string? Problem(HttpRequest request)
    {
        var headers = request.Headers;
        if (!HasToken(headers.Upgrade, "websocket"))
        {
            return null;
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            return $"a WebSocket upgrade must be a GET, not {request.Method}";
        }

        if (!HasToken(headers.Connection, "Upgrade"))
        {
            return "the Connection header must include Upgrade";
        }

        if (!string.Equals(headers.SecWebSocketVersion, "13", StringComparison.Ordinal))
        {
            return "Sec-WebSocket-Version must be 13";
        }

        var key = headers.SecWebSocketKey.ToString().Trim();
        if (key.Length == 0)
        {
            return "Sec-WebSocket-Key is missing; send base64 of 16 random bytes, e.g. dGhlIHNhbXBsZSBub25jZQ==";
        }

        Span<byte> decoded = stackalloc byte[64];
        if (key.Length > 88 || !Convert.TryFromBase64String(key, decoded, out var length))
        {
            return "invalid Sec-WebSocket-Key: it must be base64 of 16 random bytes (RFC 6455), e.g. dGhlIHNhbXBsZSBub25jZQ==";
        }

        return length == KeyBytes
            ? null
            : $"invalid Sec-WebSocket-Key: it must be base64 of 16 random bytes (RFC 6455) and this one decodes to {length} bytes; try dGhlIHNhbXBsZSBub25jZQ==";
    }

    private static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            foreach (var part in (value ?? "").Split(','))
            {
                if (string.Equals(part.Trim(), token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
