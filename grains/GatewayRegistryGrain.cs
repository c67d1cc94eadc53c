using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// In memory only: after its silo dies it starts empty, and <see cref="GatewayRoll.ListeningFor"/> tells
/// readers not to trust silence until every live gateway has had time to beat again.
/// </summary>
internal sealed class GatewayRegistryGrain(TimeProvider time, IOptions<SessionOptions> options) : Grain, IGatewayRegistryGrain
{
    /// <summary>A gateway silent this long is forgotten (it was declared gone long before).</summary>
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, long> _lastBeat = new(StringComparer.Ordinal);
    private readonly long _started = time.GetTimestamp();

    public Task Beat(string gatewayId) => BeatAndCheckSilence(gatewayId);

    public Task<bool> BeatAndCheckSilence(string gatewayId)
    {
        // Silos declare a gateway gone after GatewayExpiry of silence, but only once this registry has listened that
        // long. So a gateway it has not heard of is asked to renew only after that: a new one has nothing to renew
        // yet, and one forgotten after a long silence was declared gone long ago.
        var expiry = options.Value.Cluster.GatewayExpiry;
        var missed = _lastBeat.TryGetValue(gatewayId, out var last)
            ? time.GetElapsedTime(last) > expiry
            : time.GetElapsedTime(_started) > expiry;
        _lastBeat[gatewayId] = time.GetTimestamp();
        return Task.FromResult(missed);
    }

    public Task<GatewayRoll> Roll()
    {
        foreach (var id in _lastBeat.Where(b => time.GetElapsedTime(b.Value) > Forget).Select(b => b.Key).ToList())
        {
            _lastBeat.Remove(id);
        }

        var silent = _lastBeat.ToImmutableDictionary(b => b.Key, b => time.GetElapsedTime(b.Value), StringComparer.Ordinal);
        return Task.FromResult(new GatewayRoll(time.GetElapsedTime(_started), silent));
    }
}
