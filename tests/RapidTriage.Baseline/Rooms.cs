using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace RapidTriage.Baseline;

/// <summary>The peers of each room, as copy-on-write arrays: a broadcast reads one without a lock.</summary>
internal sealed class Rooms
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Peer>> _rooms = new(StringComparer.Ordinal);

    public void Join(string room, Peer peer) =>
        _rooms.AddOrUpdate(room, static (_, p) => [p], static (_, peers, p) => peers.Add(p), peer);

    public void Leave(string room, Peer peer)
    {
        while (_rooms.TryGetValue(room, out var peers))
        {
            var left = peers.Remove(peer);
            if (left.IsEmpty ? _rooms.TryRemove(new(room, peers)) : _rooms.TryUpdate(room, left, peers))
            {
                return;
            }
        }
    }

    public ImmutableArray<Peer> Members(string room) => _rooms.TryGetValue(room, out var peers) ? peers : [];
}
