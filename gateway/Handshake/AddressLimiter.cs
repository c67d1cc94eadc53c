using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Handshake;

/// <summary>
/// Counts open sockets per client (<c>Relay:Limits:ConnectionsPerAddress</c>), keyed by <see cref="ClientAddress.Key"/>:
/// the address after trusted forwarded headers, an IPv6 client by its /64.
/// </summary>
internal sealed class AddressLimiter(IOptions<RelayOptions> options)
{
    private readonly int _limit = options.Value.Limits.EffectiveConnectionsPerAddress(options.Value.Mode);
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Takes a slot for <paramref name="client"/>; null when its key already holds the limit.</summary>
    public Lease? TryAcquire(IPAddress? client)
    {
        var address = ClientAddress.Key(client);
        if (_limit <= 0 || address is null)
        {
            return new Lease(this, null);
        }

        while (true)
        {
            var current = _open.GetOrAdd(address, 0);
            if (current >= _limit)
            {
                return null;
            }

            if (_open.TryUpdate(address, current + 1, current))
            {
                return new Lease(this, address);
            }
        }
    }

    private void Release(IPAddress address)
    {
        while (true)
        {
            var current = _open[address];
            if (current <= 1 ? _open.TryRemove(new(address, current)) : _open.TryUpdate(address, current - 1, current))
            {
                return;
            }
        }
    }

    /// <summary>One held slot; disposing it frees the slot.</summary>
    internal sealed class Lease(AddressLimiter owner, IPAddress? address) : IDisposable
    {
        public void Dispose()
        {
            if (address is not null)
            {
                owner.Release(address);
            }
        }
    }
}
