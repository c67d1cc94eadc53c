using System.Collections;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// The logging scope around one connection's life: every line logged while it runs carries <c>SessionId</c>
/// and <c>ConnectionId</c> (as properties in the JSON console format, <c>IncludeScopes</c> on).
/// </summary>
internal sealed class ConnectionLogScope(string sessionId, string connectionId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("SessionId", sessionId),
        1 => new("ConnectionId", connectionId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"session {sessionId} connection {connectionId}";
}
