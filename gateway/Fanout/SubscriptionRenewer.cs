using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Fanout;

/// <summary>
/// Renews this gateway's subscription to every session it holds a connection in, listing those connections.
/// A session whose gateway stops renewing expires it and its members leave; a session that lost its roster
/// (its silo died) rebuilds it from these renewals. Connections the session calls stale are closed with 1012.
/// </summary>
internal sealed partial class SubscriptionRenewer(
    ConnectionRegistry registry,
    SessionFanout fanout,
    IGrainFactory grains,
    GatewayIdentity identity,
    IOptions<RelayOptions> options,
    ILogger<SubscriptionRenewer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _urgent = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Cluster.RenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var renewals = registry.All
                .GroupBy(c => c.SessionId, StringComparer.Ordinal)
                .Select(g => RenewAsync(g.Key, [.. g]));
            await Task.WhenAll(renewals);
        }
    }

    /// <summary>
    /// Renews one session now, e.g. when it answered that a connection is not a member: it lost its roster,
    /// and every connection this gateway holds in it must be back before more events are routed.
    /// </summary>
    public Task RenewAsync(string sessionId)
    {
        // Every connection of the session may ask at once (each publish answered NotMember): one call serves all.
        var renewal = _urgent.GetOrAdd(sessionId, id => new Lazy<Task>(() => RenewNowAsync(id))).Value;
        return renewal;
    }

    private async Task RenewNowAsync(string sessionId)
    {
        try
        {
            await RenewAsync(sessionId, [.. registry.All.Where(c => string.Equals(c.SessionId, sessionId, StringComparison.Ordinal))]);
        }
        finally
        {
            _urgent.TryRemove(sessionId, out _);
        }
    }

    /// <summary>
    /// Renews every session this gateway holds now, each again <paramref name="retry"/> after an attempt that
    /// failed or was not answered within <paramref name="attempt"/>, until each is answered or
    /// <paramref name="within"/> has passed. After a silo is lost its sessions fail
    /// until the cluster declares it dead and then come back elsewhere with an empty roster; this puts their
    /// connections back (or closes the stale ones) as soon as they can be reached, not at the next tick.
    /// </summary>
    public Task RenewAllUntilAnsweredAsync(TimeSpan retry, TimeSpan attempt, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        var sessions = registry.All.Select(c => c.SessionId).Distinct(StringComparer.Ordinal).ToList();
        return Task.WhenAll(sessions.Select(async id =>
        {
            // A call lost with the dead silo only fails at the response timeout: the next attempt does not wait
            // for it. One that waits for the session to activate elsewhere is answered when that is done.
            while (!cancellationToken.IsCancellationRequested)
            {
                var connections = registry.All.Where(c => string.Equals(c.SessionId, id, StringComparison.Ordinal)).ToArray();
                if (await RenewAsync(id, connections, attempt) || DateTime.UtcNow + retry > deadline)
                {
                    return;
                }

                await Task.Delay(retry, cancellationToken);
            }
        }));
    }

    private Task<bool> RenewAsync(string sessionId, RelayConnection[] connections) =>
        RenewAsync(sessionId, connections, options.Value.Cluster.RenewInterval);

    /// <summary>False when the session could not be reached within <paramref name="wait"/>.</summary>
    private async Task<bool> RenewAsync(string sessionId, RelayConnection[] connections, TimeSpan wait)
    {
        var subscriptions = connections.Select(c => c.Subscription).OfType<Subscription>().ToArray();
        if (subscriptions.Length == 0)
        {
            return true;
        }

        try
        {
            // A call caught in a silo's death waits for the response timeout; the next renewal must not.
            var result = await grains.GetGrain<ISessionGrain>(sessionId)
                .Renew(identity.GatewayId, fanout.Reference, [.. subscriptions])
                .WaitAsync(wait);
            foreach (var id in result.Stale)
            {
                if (registry.TryGet(id, out var connection))
                {
                    LogStale(sessionId, id, result.Epoch);
                    connection.RequestClose(CloseCodes.ServiceRestart, "session restarted; reconnect with lastSeq and epoch");
                }
            }

            return true;
        }
        catch (Exception ex)
        {
            LogRenewFailed(ex, sessionId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the subscription to session {SessionId} failed; next tick retries")]
    private partial void LogRenewFailed(Exception ex, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} (now epoch {Epoch}) cannot continue {ConnectionId} without a gap: closing it with 1012")]
    private partial void LogStale(string sessionId, string connectionId, string epoch);
}
