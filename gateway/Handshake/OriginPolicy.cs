using System.Net;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Handshake;

/// <summary>The Origin allow list and the local-mode loopback Host check (docs/protocol.md section 1).</summary>
internal sealed class OriginPolicy(IOptions<RelayOptions> options)
{
    private readonly IReadOnlyList<string> _patterns = options.Value.EffectiveAllowedOrigins;

    public bool IsAllowed(string origin)
    {
        foreach (var pattern in _patterns)
        {
            if (Matches(pattern, origin))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="origin"/> is this request's own <c>scheme://Host</c>: a page this relay served
    /// (the session viewer) talking back to it. The Host guard and auth still apply.
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request, string origin) =>
        request.Host.HasValue && string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for <c>localhost</c>, <c>127.0.0.0/8</c> and <c>[::1]</c>, with or without a port.</summary>
    public static bool IsLoopbackHost(string host)
    {
        var name = host;
        if (name.StartsWith('['))
        {
            var end = name.IndexOf(']', StringComparison.Ordinal);
            name = end > 0 ? name[1..end] : name;
        }
        else if (name.Count(c => c == ':') == 1)
        {
            name = name[..name.IndexOf(':', StringComparison.Ordinal)];
        }

        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary><c>scheme://host[:port]</c> with <c>*</c> matching any run of characters in the host part.</summary>
    private static bool Matches(string pattern, string origin)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
        }

        var parts = pattern.Split('*');
        var at = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var found = i == 0
                ? (origin.StartsWith(part, StringComparison.OrdinalIgnoreCase) ? 0 : -1)
                : origin.IndexOf(part, at, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            at = found + part.Length;
        }

        return parts[^1].Length == 0 || origin.EndsWith(parts[^1], StringComparison.OrdinalIgnoreCase);
    }
}
