using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary>
/// Many sessions with receivers on the same gateway: each silo sends their frames to that gateway in shared calls
/// (one outbox per silo and gateway), and every receiver still gets its session's events whole and in order.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ManySessionsFanOutTests(AzuriteFixture fixture)
{
    private const int SessionCount = 20;
    private const int EventsPerSession = 15;

    [Fact(Timeout = TestTimeouts.Cluster)]
    public async Task ManySessions_ExtensionsOnGatewayA_TunnelsOnGatewayB_EachTunnelGetsItsEventsInOrder()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var sessions = Enumerable.Range(0, SessionCount).Select(_ => Sessions.New()).ToList();
        var tunnels = new List<Peer>();
        var extensions = new List<Peer>();
        try
        {
            foreach (var session in sessions)
            {
                tunnels.Add(await Peer.TunnelAsync(cluster, 1, session));
                extensions.Add(await Peer.ExtensionAsync(cluster, 0, session));
            }

            foreach (var (tunnel, extension) in tunnels.Zip(extensions))
            {
                var joined = await tunnel.ReceiveTypeAsync("member-joined");
                Assert.Equal(extension.ConnectionId, joined["data"]!["connectionId"]!.GetValue<string>());
            }

            // Every session publishes at once, so the silos have many sessions' frames for gateway B at a time.
            await Task.WhenAll(extensions.Select(async (extension, s) =>
            {
                for (var i = 1; i <= EventsPerSession; i++)
                {
                    Assert.True(await extension.SendAsync(new { type = "console-log", id = $"s{s}-{i}", data = new { i } }));
                }
            }));

            var received = await Task.WhenAll(tunnels.Select(t => t.ReceiveManyAsync("console-log", EventsPerSession, TimeSpan.FromSeconds(60))));
            for (var s = 0; s < SessionCount; s++)
            {
                Assert.Equal(Enumerable.Range(1, EventsPerSession).Select(i => $"s{s}-{i}"), received[s].Select(CrossGatewayTests.Id));
                Assert.Equal(Enumerable.Range(1, EventsPerSession).Select(i => (long)i), received[s].Select(CrossGatewayTests.Seq));
            }
        }
        finally
        {
            foreach (var peer in tunnels.Concat(extensions))
            {
                await peer.DisposeAsync();
            }
        }
    }
}
