using System.Text;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Envelopes;

/// <summary>
/// Which names hold credentials (docs/protocol.md section 6): the configured header names, and any name containing a
/// configured fragment, compared ASCII case-insensitively (header names are ASCII tokens; a non-ASCII look-alike
/// such as "ſ" never matches, in the byte pre-check and the full check alike).
/// </summary>
internal sealed class CredentialNames
{
    private readonly string[] _exact;
    private readonly string[] _fragments;

    /// <summary>
    /// What must occur in a value's raw JSON for it to possibly need redaction: every fragment, every exact name no
    /// fragment covers, <c>@</c> (URL user info), <c>%</c> (a percent-encoded name), <c>\u</c> (a JSON-escaped name).
    /// </summary>
    private readonly byte[][] _rawNeedles;

    /// <summary>The same for decoded text: fragments and uncovered exact names, <c>@</c> and <c>%</c>.</summary>
    private readonly string[] _textNeedles;

    public CredentialNames(RedactionOptions options)
    {
        foreach (var name in options.EffectiveHeaders.Concat(options.EffectiveNameFragments))
        {
            if (name.Length == 0 || !Ascii.IsValid(name))
            {
                throw new InvalidOperationException(
                    $"Relay:Redaction:Headers and Relay:Redaction:NameFragments must be non-empty ASCII names; \"{name}\" is not.");
            }
        }

        _exact = [.. options.EffectiveHeaders];
        _fragments = [.. options.EffectiveNameFragments.Select(f => f.ToLowerInvariant())];
        var uncovered = _exact.Where(name => !_fragments.Any(f => ContainsIgnoreCase(name, f)));
        var needles = _fragments.Concat(uncovered).Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();

        // A needle that contains another is found whenever it is ("proxy-authorization", "authorization").
        needles.RemoveAll(n => needles.Any(other => other.Length < n.Length && n.Contains(other, StringComparison.Ordinal)));
        _textNeedles = [.. needles, "@", "%"];
        _rawNeedles = [.. _textNeedles.Append("\\u").Select(Encoding.ASCII.GetBytes)];
    }

    public bool IsSensitive(ReadOnlySpan<char> name)
    {
        foreach (var exact in _exact)
        {
            if (Ascii.EqualsIgnoreCase(name, exact))
            {
                return true;
            }
        }

        foreach (var fragment in _fragments)
        {
            if (ContainsIgnoreCase(name, fragment))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>False when <paramref name="utf8Json"/> (raw JSON) cannot hold anything to redact: the fast path.</summary>
    public bool MayHoldCredentials(ReadOnlySpan<byte> utf8Json)
    {
        foreach (var needle in _rawNeedles)
        {
            if (ContainsIgnoreCase(utf8Json, needle))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>False when decoded <paramref name="text"/> cannot hold anything to redact.</summary>
    public bool MayHoldCredentials(ReadOnlySpan<char> text)
    {
        foreach (var needle in _textNeedles)
        {
            if (ContainsIgnoreCase(text, needle))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<char> text, ReadOnlySpan<char> lowerNeedle)
    {
        var first = lowerNeedle[0];
        var upper = char.ToUpperInvariant(first);
        var at = 0;
        while (at <= text.Length - lowerNeedle.Length)
        {
            var found = text[at..].IndexOfAny(first, upper);
            if (found < 0 || at + found > text.Length - lowerNeedle.Length)
            {
                return false;
            }

            at += found;
            if (Ascii.EqualsIgnoreCase(text.Slice(at, lowerNeedle.Length), lowerNeedle))
            {
                return true;
            }

            at++;
        }

        return false;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle)
    {
        var first = lowerNeedle[0];
        var upper = (byte)char.ToUpperInvariant((char)first);
        var at = 0;
        while (at <= text.Length - lowerNeedle.Length)
        {
            var found = text[at..].IndexOfAny(first, upper);
            if (found < 0 || at + found > text.Length - lowerNeedle.Length)
            {
                return false;
            }

            at += found;
            if (Ascii.EqualsIgnoreCase(text.Slice(at, lowerNeedle.Length), lowerNeedle))
            {
                return true;
            }

            at++;
        }

        return false;
    }
}
