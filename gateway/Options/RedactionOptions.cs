namespace RapidTriage.Gateway.Options;

/// <summary><c>Relay:Redaction:*</c>: which credential values in events are replaced by <c>[REDACTED]</c> (README "Security").</summary>
public sealed class RedactionOptions
{
    public const string SectionName = "Relay:Redaction";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Names whose values are replaced by <c>[REDACTED]</c> wherever they name a value (headers, query parameters,
    /// body fields), compared case-insensitively (ASCII). Unset: the defaults.
    /// </summary>
    public List<string>? Headers { get; set; }

    /// <summary>Any name containing one of these (case-insensitive, ASCII) is redacted too. Unset: the defaults.</summary>
    public List<string>? NameFragments { get; set; }

    public IReadOnlyList<string> EffectiveHeaders => Headers ?? DefaultHeaders;

    public IReadOnlyList<string> EffectiveNameFragments => NameFragments ?? DefaultNameFragments;

    public static IReadOnlyList<string> DefaultHeaders { get; } =
    [
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "Api-Key",
        "X-Auth-Token", "X-Access-Token", "X-Refresh-Token", "X-CSRF-Token", "X-XSRF-Token",
        "X-Amz-Security-Token", "X-Goog-Api-Key", "Ocp-Apim-Subscription-Key",
    ];

    /// <remarks>
    /// <c>api_key</c> is the common query spelling; <c>passwd</c> a common form field; <c>signature</c> covers signed
    /// URLs (<c>X-Amz-Signature</c>). <c>session</c> is left out on purpose: <c>sessionId</c>-like names are everywhere in
    /// captured data and rarely secret, and session cookies are redacted as cookies.
    /// </remarks>
    public static IReadOnlyList<string> DefaultNameFragments { get; } =
        ["token", "secret", "password", "passwd", "api-key", "api_key", "apikey", "credential", "signature"];
}
