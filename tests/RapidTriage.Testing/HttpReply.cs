namespace RapidTriage.Testing;

/// <summary>An HTTP response as read off the socket by <see cref="RawHttp"/>.</summary>
/// <param name="Status">The status code of the status line.</param>
/// <param name="Headers">Response headers; names compared case-insensitively, repeated headers joined with ", ".</param>
/// <param name="Body">The decoded body (chunked transfer undone); empty for 101.</param>
public sealed record HttpReply(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
