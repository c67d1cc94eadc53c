using System.Net;
using System.Net.Sockets;

namespace RapidTriage.Testing;

/// <summary>Loopback TCP ports nobody is listening on, for gateways and embedded silos under test.</summary>
public static class FreePort
{
    /// <summary>Every port <see cref="Next"/> has handed out in this process.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> Given = new();

    public static int Next()
    {
        // The system may offer a port again as soon as its listener closes: a caller asking for two ports before it
        // binds either (a silo port and a gateway port) must still get two different ones.
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Given.TryAdd(port, 0))
            {
                return port;
            }
        }
    }

    /// <summary>
    /// The first loopback port from <paramref name="first"/> to <paramref name="last"/> nobody listens on, for clients
    /// that look for a server only in a fixed range; skips <paramref name="except"/>.
    /// </summary>
    public static int InRange(int first, int last, params int[] except)
    {
        for (var port = first; port <= last; port++)
        {
            if (Array.IndexOf(except, port) >= 0)
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException($"Every loopback port from {first} to {last} is in use.");
    }
}
