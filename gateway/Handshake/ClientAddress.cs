using System.Net;
using System.Net.Sockets;

namespace RapidTriage.Gateway.Handshake;

/// <summary>
/// The key a client is counted by in per-address limits: an IPv4 address as it is (IPv4-mapped IPv6 included),
/// an IPv6 address by its /64, the smallest network one subscriber is given, so one client cannot get a fresh
/// limit from each of its 2^64 addresses.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress? Key(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
