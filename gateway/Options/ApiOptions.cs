namespace RapidTriage.Gateway.Options;

/// <summary><c>Relay:Api:*</c>: what one client may ask of the HTTP API (<c>/api/sessions/…</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Relay:Api";

    /// <summary>Requests one client address may have in progress at once; more answer 429 at once. 0 means unlimited.</summary>
    public int MaxConcurrentRequestsPerAddress { get; set; } = 8;

    /// <summary>
    /// Event bytes in one <c>/events</c> page; a page that would be larger ends early with <c>hasMore</c>. A single
    /// event larger than this is still sent whole, so a page always moves forward.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 4 * 1024 * 1024;
}
