using System.Collections.Immutable;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;

namespace RapidTriage.Gateway.Fanout;

/// <summary>
/// This gateway's single observer, subscribed to every session it holds a connection in. Each silo calls it with
/// the frames of all its sessions for this gateway at once; it only hands them to connections' queues, so no
/// call waits on a socket.
/// </summary>
internal sealed class SessionFanout : ISessionObserver
{
    private readonly ConnectionRegistry _registry;
    private readonly Lazy<ISessionObserver> _reference;

    public SessionFanout(ConnectionRegistry registry, IGrainFactory grains)
    {
        _registry = registry;
        _reference = new(() => grains.CreateObjectReference<ISessionObserver>(this));
    }

    /// <summary>The reference sessions call; created once. Orleans holds observers weakly, so this object keeps it alive.</summary>
    public ISessionObserver Reference => _reference.Value;

    /// <summary>Hands each session's frames, in order, to the queues of the connections they are for.</summary>
    public Task DeliverMany(ImmutableArray<SessionBatch> batches)
    {
        foreach (var batch in batches)
        {
            foreach (var delivery in batch.Deliveries)
            {
                foreach (var target in delivery.Targets)
                {
                    if (_registry.TryGet(target, out var connection))
                    {
                        connection.Deliver(delivery);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }
}
