using System.Diagnostics;
using Xunit.Abstractions;

namespace RapidTriage.Cluster.Tests;

/// <summary>
/// Failover with the production defaults (no shortened renewal, expiry or probe periods): what a deployment
/// that sets nothing gets. The silo side is measured under load by <see cref="SoakTests"/>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DefaultFailoverTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// A killed gateway's beats stop; silos declare it gone after Relay:Cluster:GatewayExpiry (3 s) and read that
    /// every Relay:Cluster:PresencePoll (0.5 s); each session acts on its next tick (at most 1 s).
    /// </summary>
    private static readonly TimeSpan LeaveBound = TimeSpan.FromSeconds(5);

    [Fact(Timeout = 180_000)]
    public async Task Gateway_KilledWithDefaultSettings_ItsMembersLeaveEverySessionWithinFiveSeconds()
    {
        await using var cluster = await fixture.StartClusterAsync(silos: 2, gateways: 2, defaults: true);
        var sessions = Enumerable.Range(0, 3).Select(_ => Sessions.New()).ToList();
        var extensions = new List<Peer>();
        var consumers = new List<Peer>();
        try
        {
            foreach (var session in sessions)
            {
                extensions.Add(await Peer.ExtensionAsync(cluster, 0, session));
                consumers.Add(await Peer.McpAsync(cluster, 1, session));
                await extensions[^1].ReceiveTypeAsync("member-joined");
            }

            cluster.Gateway(1).Kill();
            var clock = Stopwatch.StartNew();
            var waits = extensions.Zip(consumers).Select(async pair =>
            {
                var left = await pair.First.ReceiveTypeAsync("member-left", LeaveBound + TimeSpan.FromSeconds(10));
                Assert.Equal(pair.Second.ConnectionId, left["data"]!["connectionId"]!.GetValue<string>());
                return clock.Elapsed;
            });
            var times = await Task.WhenAll(waits);
            output.WriteLine($"member-left after {string.Join(", ", times.Select(t => $"{t.TotalSeconds:F1} s"))} (bound {LeaveBound.TotalSeconds} s)");
            Assert.All(times, t => Assert.True(t <= LeaveBound, $"member-left came {t.TotalSeconds:F1} s after the kill\n{cluster.Logs()}"));
        }
        finally
        {
            foreach (var peer in extensions.Concat(consumers))
            {
                await peer.DisposeAsync();
            }
        }
    }
}
