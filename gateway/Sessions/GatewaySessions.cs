using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Fanout;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Sessions;

/// <summary>
/// The sessions this gateway holds connections in, one <see cref="GatewaySession"/> each: created with a
/// session's first connection here, removed with its last.
/// </summary>
internal sealed class GatewaySessions(
    IGrainFactory grains,
    SessionFanout fanout,
    GatewayIdentity identity,
    IOptions<RelayOptions> options,
    TimeProvider time,
    ILogger<GatewaySession> logger)
{
    private readonly ConcurrentDictionary<string, GatewaySession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public string GatewayId => identity.GatewayId;

    /// <summary>The observer renewals name (this gateway's fan-out).</summary>
    public ISessionObserver Observer => fanout.Reference;

    /// <summary>Longest wait for one renewal's answer (one <c>Relay:Cluster:RenewInterval</c>).</summary>
    public TimeSpan RenewWait => options.Value.Cluster.RenewInterval;

    public TimeProvider Time => time;

    public ILogger Logger => logger;

    /// <summary>Every session held now, in a stable order.</summary>
    public IReadOnlyList<GatewaySession> Snapshot() => [.. _sessions.Values];

    public bool TryGet(string sessionId, out GatewaySession session) => _sessions.TryGetValue(sessionId, out session!);

    /// <summary>Adds <paramref name="connection"/> to its session here, creating that when it is the first.</summary>
    public GatewaySession Attach(RelayConnection connection)
    {
        while (true)
        {
            var session = _sessions.GetOrAdd(connection.SessionId, static (id, grains) =>
                new GatewaySession(id, grains.Factory.GetGrain<ISessionGrain>(id), grains.Owner), (Factory: grains, Owner: this));
            if (session.TryAdd(connection))
            {
                return session;
            }

            // Its last connection just left: it is on its way out of the map; a new one takes its place.
            _sessions.TryRemove(new KeyValuePair<string, GatewaySession>(session.SessionId, session));
        }
    }

    /// <summary>Removes <paramref name="connection"/>; the session goes with its last connection.</summary>
    public void Detach(GatewaySession session, RelayConnection connection)
    {
        if (session.Remove(connection))
        {
            _sessions.TryRemove(new KeyValuePair<string, GatewaySession>(session.SessionId, session));
        }
    }

    /// <summary>Renews every session held now, once (each joins a renewal of its own already in progress).</summary>
    public Task RenewAllAsync() => Task.WhenAll(Snapshot().Select(s => s.RenewAsync()));

    /// <summary>
    /// Renews every session held now until each is answered or <paramref name="within"/> has passed (see
    /// <see cref="GatewaySession.RenewUntilAnsweredAsync"/>).
    /// </summary>
    public Task RenewAllUntilAnsweredAsync(TimeSpan retry, TimeSpan attempt, TimeSpan within, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + within;
        return Task.WhenAll(Snapshot().Select(s => s.RenewUntilAnsweredAsync(retry, attempt, until, cancellationToken)));
    }
}
