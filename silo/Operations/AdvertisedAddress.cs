using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace RapidTriage.Silo.Operations;

/// <summary>
/// <c>Relay:Silo:AdvertisedAddress</c>: an IP address, or <c>auto</c> for this container's own IPv4 address (a
/// Container Apps replica learns its address only at start; peers and gateways dial it directly).
/// </summary>
internal static class AdvertisedAddress
{
    public static IPAddress Parse(string value) =>
        string.Equals(value, "auto", StringComparison.OrdinalIgnoreCase) ? Detect() : IPAddress.Parse(value);

    private static IPAddress Detect() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("Relay:Silo:AdvertisedAddress=auto found no IPv4 address on this host.");
}
