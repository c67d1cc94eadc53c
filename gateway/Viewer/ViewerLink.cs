namespace RapidTriage.Gateway.Viewer;

/// <summary>
/// A session viewer link, <c>{base}/sessions/{id}#token={token}</c>. The token rides in the fragment, which a
/// browser never sends to a server, so it appears in no request line and no log; the page reads it from there.
/// </summary>
internal static class ViewerLink
{
    public static string For(Uri baseUri, string sessionId, string token) =>
        $"{baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/')}/sessions/{Uri.EscapeDataString(sessionId)}#token={token}";
}
