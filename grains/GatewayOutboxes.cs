using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// This silo's <see cref="GatewayOutbox"/>es, one per gateway observer (a silo singleton; a gateway process has one
/// observer, so in practice one per gateway). Session grains hand it their
/// batches instead of calling the gateway themselves. Outboxes are made on first use and dropped when idle:
/// nothing queued or in flight and unused for <see cref="ClusterOptions.ObserverExpiry"/> (by then every session
/// has expired a gateway that stopped renewing), or at once when the silo knows the gateway is gone
/// (<see cref="GatewayPresence"/>). Idle outboxes are looked for while batches are enqueued, at most once per
/// <see cref="ClusterOptions.ObserverExpiry"/>: a silo without traffic does no periodic work.
/// </summary>
internal sealed class GatewayOutboxes
{
    private readonly ConcurrentDictionary<GrainId, GatewayOutbox> _outboxes = new();
    private readonly Func<GrainId, (string GatewayId, ISessionObserver Observer), GatewayOutbox> _create;
    private readonly TimeProvider _time;
    private readonly GatewayPresence? _presence;
    private readonly TimeSpan _idleAfter;
    private long _lastSweep;

    public GatewayOutboxes(IOptions<SessionOptions> options, TimeProvider time, ILogger<GatewayOutbox> logger, GatewayPresence? presence = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = options.Value.Cluster;
        _time = time;
        _presence = presence;
        _idleAfter = cluster.ObserverExpiry;
        _lastSweep = time.GetTimestamp();
        _create = (_, gateway) => new GatewayOutbox(gateway.GatewayId, gateway.Observer, cluster.OutboxMaxBatchBytes, cluster.OutboxCallTimeout, time, logger);
    }

    /// <summary>The gateways an outbox is held for.</summary>
    public IReadOnlyList<string> GatewayIds => [.. _outboxes.Values.Select(o => o.GatewayId).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Queues a session's batch for a gateway; completes when the call that carried it returned, faults when that
    /// call failed. Batches for the same <paramref name="observer"/> share calls.
    /// </summary>
    public Task EnqueueAsync(string gatewayId, ISessionObserver observer, SessionBatch batch)
    {
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);
        RemoveIdleWhenDue();
        while (true)
        {
            var key = observer.GetGrainId();
            var outbox = _outboxes.GetOrAdd(key, _create, (gatewayId, observer));
            if (outbox.TryEnqueue(batch, out var delivered))
            {
                return delivered;
            }

            // Closed as idle between the lookup and the enqueue.
            _outboxes.TryRemove(new KeyValuePair<GrainId, GatewayOutbox>(key, outbox));
        }
    }

    private void RemoveIdleWhenDue()
    {
        var last = Volatile.Read(ref _lastSweep);
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(last, now) < _idleAfter || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, outbox) in _outboxes)
        {
            var idleFor = _presence?.IsGone(outbox.GatewayId) == true ? TimeSpan.Zero : _idleAfter;
            if (outbox.TryClose(idleFor))
            {
                _outboxes.TryRemove(new KeyValuePair<GrainId, GatewayOutbox>(key, outbox));
            }
        }
    }
}
