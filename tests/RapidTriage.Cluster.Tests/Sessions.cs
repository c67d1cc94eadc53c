namespace RapidTriage.Cluster.Tests;

internal static class Sessions
{
    /// <summary>A session id no other test uses.</summary>
    public static string New() => "cl-" + Guid.NewGuid().ToString("N")[..12];
}
