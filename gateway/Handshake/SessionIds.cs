using System.Text.RegularExpressions;

namespace RapidTriage.Gateway.Handshake;

/// <summary>What a session id may look like: it is a grain key, a log field and a URL segment.</summary>
internal static partial class SessionIds
{
    public const string Rule = "1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'";

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
