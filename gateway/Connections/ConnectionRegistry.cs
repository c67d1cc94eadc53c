using System.Collections.Concurrent;

namespace RapidTriage.Gateway.Connections;

/// <summary>The sockets this gateway holds, by connection id.</summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, RelayConnection> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public ICollection<RelayConnection> All => _connections.Values;

    public void Add(RelayConnection connection) => _connections[connection.ConnectionId] = connection;

    public void Remove(RelayConnection connection) => _connections.TryRemove(new(connection.ConnectionId, connection));

    public bool TryGet(string connectionId, out RelayConnection connection) =>
        _connections.TryGetValue(connectionId, out connection!);
}
