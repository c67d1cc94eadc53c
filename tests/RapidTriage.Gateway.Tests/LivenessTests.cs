using System.Diagnostics;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 4.6: the relay pings a connection that has gone quiet and closes one silent for two
/// heartbeat intervals; a client that answers the pings stays connected however little it says.
/// </summary>
public sealed class LivenessTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task PeerThatAnswersNoPing_IsClosedAfterTwoIntervals_OneThatAnswersStays()
    {
        await using var server = await RelayServer.StartAsync($"Relay:HeartbeatInterval={Interval}");
        var session = RelayFixture.NewSession();

        // The listener keeps a read pending all along, so its WebSocket answers every ping with a pong; it sends
        // nothing itself after its init. Neither client sends keep-alive frames of its own.
        await using var listener = await TestClient.ConnectInitializedAsync(
            server.WebSocketUri($"/mcp-ws?sessionId={session}"), new { clientType = "listener" }, NoClientKeepAlive);

        // The silent peer reads nothing after its ack: the relay's pings reach its socket buffer and stay unanswered,
        // as with a peer whose network went away without a FIN. Its last bytes are its upgrade request, so its silence
        // is timed from before the handshake: the ack that ends ConnectAsync comes after the session join, which takes
        // longer on a loaded machine.
        var silentSince = Stopwatch.StartNew();
        await using var silent = await TestClient.ConnectAsync(server.WebSocketUri($"/extension-ws?sessionId={session}"), NoClientKeepAlive);
        await listener.ReceiveWhereAsync(f => f["type"]?.GetValue<string>() == "member-joined"
            && f["data"]!["connectionId"]!.GetValue<string>() == silent.ConnectionId);

        var left = await listener.ReceiveWhereAsync(
            f => f["type"]?.GetValue<string>() == "member-left" && f["data"]!["connectionId"]!.GetValue<string>() == silent.ConnectionId,
            TimeSpan.FromSeconds(15), "member-left of the silent peer");
        Assert.NotNull(left);
        Assert.True(silentSince.Elapsed >= 2 * Interval - TimeSpan.FromMilliseconds(100),
            $"closed after {silentSince.Elapsed.TotalMilliseconds:0} ms of silence, before two heartbeat intervals");

        // The listener has now said nothing for more than two intervals but answered the pings: still connected.
        Assert.Null(await listener.TryReceiveAsync(3 * Interval));
        var heartbeat = await listener.HeartbeatAsync();
        Assert.Equal("alive", heartbeat["data"]!["status"]!.GetValue<string>());
    }

    private static void NoClientKeepAlive(System.Net.WebSockets.ClientWebSocketOptions options) => options.KeepAliveInterval = TimeSpan.Zero;
}
