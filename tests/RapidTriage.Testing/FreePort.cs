using System.Net;
using System.Net.Sockets;

namespace RapidTriage.Testing;

/// <summary>Loopback TCP ports nobody is listening on, for gateways and embedded silos under test.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
