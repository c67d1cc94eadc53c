using System.ComponentModel.DataAnnotations;

namespace RapidTriage.Gateway.Viewer;

/// <summary><c>Relay:Viewer:*</c>: the session viewer page (README "Session viewer").</summary>
internal sealed class ViewerOptions
{
    public const string SectionName = "Relay:Viewer";

    /// <summary>Serve <c>/sessions/{id}</c>; off, the page and its assets answer 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Lifetime of the tokens a local-mode page mints for itself; the page renews its socket's token
    /// (<c>auth-refresh</c>) at half of it, so a short value costs one small request now and then.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan LocalTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
