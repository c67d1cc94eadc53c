using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Handshake;

/// <summary>
/// Local mode's cap on sessions (<c>Relay:Local:MaxSessions</c>): every <c>?sessionId=</c> on <c>/extension-ws</c> and
/// <c>/mcp-ws</c> makes a session grain with its roster, queues and history, and local endpoints need no token, so
/// one local client (a rogue extension) could otherwise make them without end. Counts the sessions that have open
/// local connections; the default session is never refused.
/// </summary>
internal sealed class LocalSessionLimiter(IOptions<RelayOptions> options)
{
    private readonly int _limit = options.Value.Local.MaxSessions;
    private readonly string _defaultSession = options.Value.DefaultSessionId;
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    public int Limit => _limit;

    /// <summary>A hold on <paramref name="sessionId"/> for one connection; null when the cap is reached by other sessions.</summary>
    public IDisposable? TryEnter(string sessionId)
    {
        if (_limit <= 0 || string.Equals(sessionId, _defaultSession, StringComparison.Ordinal))
        {
            return Hold.None;
        }

        lock (_open)
        {
            if (_open.TryGetValue(sessionId, out var count))
            {
                _open[sessionId] = count + 1;
            }
            else if (_open.Count >= _limit)
            {
                return null;
            }
            else
            {
                _open[sessionId] = 1;
            }
        }

        return new Hold(this, sessionId);
    }

    private void Leave(string sessionId)
    {
        lock (_open)
        {
            var count = _open[sessionId];
            if (count <= 1)
            {
                _open.Remove(sessionId);
            }
            else
            {
                _open[sessionId] = count - 1;
            }
        }
    }

    private sealed class Hold(LocalSessionLimiter? owner, string? sessionId) : IDisposable
    {
        public static readonly Hold None = new(null, null);

        private int _disposed;

        public void Dispose()
        {
            if (owner is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Leave(sessionId!);
            }
        }
    }
}
