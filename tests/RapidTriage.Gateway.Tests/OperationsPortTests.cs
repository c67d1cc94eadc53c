using System.Globalization;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// <c>Relay:Operations:Port</c>: health and metrics answer on that port only, judged by the socket's local port; a
/// client of the relay port that names the operations port in <c>Host</c> does not reach them.
/// </summary>
public sealed class OperationsPortTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task OperationsEndpoints_OnRelayPortWithOperationsHost_NotFound_AndOnOperationsPort_Served()
    {
        var relayPort = FreePort.Next();
        var operationsPort = FreePort.Next();
        await using var server = await RelayServer.StartAsync(
            $"Relay:Urls=http://127.0.0.1:{relayPort};http://127.0.0.1:{operationsPort}",
            $"Relay:Operations:Port={operationsPort}");
        var relay = new Uri($"http://127.0.0.1:{relayPort}/");
        var operations = new Uri($"http://127.0.0.1:{operationsPort}/");
        var spoofedHost = "127.0.0.1:" + operationsPort.ToString(CultureInfo.InvariantCulture);

        foreach (var path in new[] { "/healthz", "/metrics" })
        {
            Assert.Equal(404, (await RawHttp.GetAsync(relay, path, upgrade: false)).Status);
            Assert.Equal(404, (await RawHttp.GetAsync(relay, path, upgrade: false, host: spoofedHost)).Status);
            Assert.Equal(200, (await RawHttp.GetAsync(operations, path, upgrade: false)).Status);
        }

        // The relay itself still answers on its port.
        await using var client = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{relayPort}/mcp-ws"));
        Assert.Equal("connection-ack", client.Ack["type"]!.GetValue<string>());
    }
}
