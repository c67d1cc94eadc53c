using System.Buffers;
using System.Text;

namespace RapidTriage.Gateway.Envelopes;

/// <summary>
/// Redacts credentials inside one string of captured data (docs/protocol.md section 6): an absolute URL (the password of
/// <c>user:password@</c>, or the whole user info when it has no password, and the values of sensitive query and
/// fragment parameters), form-encoded text (<c>a=1&amp;password=2</c>), <c>Name: value</c> lines (DevTools
/// <c>headersText</c>), and URLs or <c>name=value</c> words inside free text. Returns null when nothing changes.
/// </summary>
internal sealed class TextRedactor(CredentialNames names)
{
    public const string Mask = "[REDACTED]";

    private const int MaxUrlNesting = 4;

    private static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\r\n\f\v");
    private static readonly SearchValues<char> PairNameChars =
        SearchValues.Create("!$%'*+-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly string[] Schemes = ["https://", "http://", "wss://", "ws://"];

    public string? Redact(string text)
    {
        if (!names.MayHoldCredentials(text))
        {
            return null;
        }

        var redacted = text.Contains(':', StringComparison.Ordinal) ? RedactLines(text) : RedactWords(text);
        return ReferenceEquals(redacted, text) ? null : redacted;
    }

    /// <summary>Each whitespace-separated word: from a URL scheme on as a URL, else as <c>name=value</c> pairs.</summary>
    private string RedactWords(string text)
    {
        if (text.AsSpan().IndexOfAny(Whitespace) < 0)
        {
            return RedactWord(text, 0);
        }

        StringBuilder? builder = null;
        var start = 0;
        while (start < text.Length)
        {
            var end = text.AsSpan(start).IndexOfAny(Whitespace);
            end = end < 0 ? text.Length : start + end;
            if (end > start)
            {
                var word = text[start..end];
                var redacted = RedactWord(word, 0);
                if (!ReferenceEquals(redacted, word))
                {
                    builder ??= new StringBuilder(text.Length + 16).Append(text, 0, start);
                    builder.Append(redacted);
                }
                else
                {
                    builder?.Append(word);
                }
            }

            var next = end;
            while (next < text.Length && Whitespace.Contains(text[next]))
            {
                next++;
            }

            builder?.Append(text, end, next - end);
            start = next;
        }

        return builder?.ToString() ?? text;
    }

    private string RedactWord(string word, int depth)
    {
        var scheme = SchemeStart(word);
        if (scheme < 0 || word.IndexOf('=', 0, scheme) >= 0)
        {
            // Pairs first ("?token=a&next=https://…"); a URL in a value is followed from there.
            return word.Contains('=', StringComparison.Ordinal) ? RedactPairs(word, depth) : word;
        }

        var url = word[scheme..];
        var redacted = RedactUrl(url, depth);
        return ReferenceEquals(redacted, url) ? word : string.Concat(word.AsSpan(0, scheme), redacted);
    }

    private static int SchemeStart(string word)
    {
        var best = -1;
        foreach (var scheme in Schemes)
        {
            var at = word.IndexOf(scheme, StringComparison.OrdinalIgnoreCase);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }

        return best;
    }

    /// <summary><paramref name="url"/> starts with a scheme and <c>://</c>.</summary>
    private string RedactUrl(string url, int depth)
    {
        var authorityStart = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        authorityEnd = authorityEnd < 0 ? url.Length : authorityEnd;
        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);

        var builder = new StringBuilder(url.Length + 16).Append(url, 0, authorityStart);
        var changed = false;
        if (at >= 0)
        {
            var colon = url.IndexOf(':', authorityStart, at - authorityStart);
            builder.Append(url, authorityStart, colon < 0 ? 0 : colon + 1 - authorityStart).Append(Mask).Append(url, at, authorityEnd - at);
            changed = true;
        }
        else
        {
            builder.Append(url, authorityStart, authorityEnd - authorityStart);
        }

        // Query and fragment (OAuth's implicit flow returns #access_token=…) are both name=value pairs; a
        // fragment may hold a '?' of its own (#/route?token=…).
        var query = url.IndexOf('?', authorityEnd);
        var fragment = url.IndexOf('#', authorityEnd);
        if (query >= 0 && fragment >= 0 && fragment < query)
        {
            query = -1;
        }

        var pathEnd = query >= 0 ? query : fragment >= 0 ? fragment : url.Length;
        builder.Append(url, authorityEnd, pathEnd - authorityEnd);
        if (query >= 0)
        {
            var text = url[(query + 1)..(fragment > query ? fragment : url.Length)];
            var redacted = RedactPairs(text, depth);
            changed |= !ReferenceEquals(redacted, text);
            builder.Append('?').Append(redacted);
        }

        if (fragment >= 0)
        {
            var text = url[(fragment + 1)..];
            var redacted = RedactPairs(text, depth);
            changed |= !ReferenceEquals(redacted, text);
            builder.Append('#').Append(redacted);
        }

        return changed ? builder.ToString() : url;
    }

    /// <summary><c>a=1&amp;b=2</c> (form bodies, queries): values of pairs whose decoded name is sensitive.</summary>
    private string RedactPairs(string text, int depth)
    {
        StringBuilder? builder = null;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('&', start);
            end = end < 0 ? text.Length : end;
            var equals = text.IndexOf('=', start, end - start);
            if (equals > start && IsSensitiveEncoded(text.AsSpan(start, equals - start)))
            {
                builder ??= new StringBuilder(text.Length + 16).Append(text, 0, start);
                builder.Append(text, start, equals + 1 - start).Append(Mask);
            }
            else if (equals >= start && SchemeStart(text[(equals + 1)..end]) is >= 0)
            {
                // A URL in a value (?next=https://user:pw@host/): redacted as a URL.
                var value = text[(equals + 1)..end];
                // Nested past a few levels only to hide something: masked whole rather than followed.
                var redacted = depth < MaxUrlNesting ? RedactWord(value, depth + 1) : Mask;
                if (!ReferenceEquals(redacted, value))
                {
                    builder ??= new StringBuilder(text.Length + 16).Append(text, 0, start);
                }

                builder?.Append(text, start, equals + 1 - start).Append(redacted);
            }
            else
            {
                builder?.Append(text, start, end - start);
            }

            if (end < text.Length)
            {
                builder?.Append('&');
            }

            start = end + 1;
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>
    /// The name of a pair, decoded, and also only its trailing name characters: in <c>/path?Cookie=…</c> or
    /// <c>(api_key=…</c> what precedes the name is not part of it.
    /// </summary>
    private bool IsSensitiveEncoded(ReadOnlySpan<char> name) =>
        IsSensitivePairName(name)
        || (name.IndexOfAny('%', '+') >= 0 && IsSensitivePairName(Uri.UnescapeDataString(name.ToString().Replace('+', ' '))));

    private bool IsSensitivePairName(ReadOnlySpan<char> name)
    {
        var key = name[(name.LastIndexOfAnyExcept(PairNameChars) + 1)..];
        return names.IsSensitive(name) || (key.Length > 0 && names.IsSensitive(key));
    }

    /// <summary>
    /// Line by line: a <c>Name: value</c> line (DevTools <c>headersText</c>, XHR <c>getAllResponseHeaders()</c>, a
    /// logged header) whose name is sensitive has its value masked; any other line is redacted word by word.
    /// </summary>
    private string RedactLines(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        var changed = false;
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            var line = text[start..end];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var nameStart = line.Length - line.AsSpan().TrimStart(" \t").Length;
            if (colon > nameStart && line.AsSpan(nameStart, colon - nameStart).IndexOfAny(Whitespace) < 0
                && names.IsSensitive(line.AsSpan(nameStart, colon - nameStart)))
            {
                var ending = line.EndsWith("\r\n", StringComparison.Ordinal) ? "\r\n" : line.EndsWith('\n') ? "\n" : "";
                builder.Append(line, 0, colon + 1).Append(' ').Append(Mask).Append(ending);
                changed = true;
            }
            else
            {
                var redacted = RedactWords(line);
                changed |= !ReferenceEquals(redacted, line);
                builder.Append(redacted);
            }

            start = end;
        }

        return changed ? builder.ToString() : text;
    }
}
