using System.Collections.Immutable;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;

namespace RapidTriage.Gateway.Fanout;

/// <summary>
/// This gateway's single observer, subscribed to every session it holds a connection in. It only hands
/// frames to connections' queues, so a session grain never waits on a socket.
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

    public Task Deliver(string sessionId, ImmutableArray<Delivery> batch)
    {
        foreach (var delivery in batch)
        {
            foreach (var target in delivery.Targets)
            {
                if (_registry.TryGet(target, out var connection))
                {
                    connection.Deliver(delivery);
                }
            }
        }

        return Task.CompletedTask;
    }
}
