using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// Session grains fanning out through their silo's outbox (two silos here): many sessions' frames for one gateway
/// share calls, each session's order holds, and a failed call still reaches the session's failure path.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OutboxFanOutTests(ClusterFixture fixture)
{
    private const int SessionCount = 30;

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Publish_ManySessionsWhileAGatewayCallIsHeld_ShareAtMostTwoCallsPerSiloAndKeepEachSessionsOrder()
    {
        var gatewayId = "gw-many-" + Guid.NewGuid().ToString("N")[..8];
        var gateway = new GatedObserver();
        var reference = fixture.Grains.CreateObjectReference<ISessionObserver>(gateway);
        var sources = new RecordingObserver();
        var sourceReference = fixture.Grains.CreateObjectReference<ISessionObserver>(sources);
        var sessions = Enumerable.Range(0, SessionCount).Select(_ => fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession())).ToList();
        for (var i = 0; i < SessionCount; i++)
        {
            // The receiver joins last: it is told of nobody, so this gateway gets only the events below.
            await sessions[i].Join(Member($"p{i}", ConnectionRole.Extension, "gw-src-" + gatewayId), sourceReference);
            await sessions[i].Join(Member($"r{i}", ConnectionRole.Mcp, gatewayId), reference);
        }

        gateway.Hold();
        await Task.WhenAll(sessions.Select((s, i) => s.Publish(Event($"p{i}", 1))));
        gateway.Release();

        Assert.True(await WaitAsync(() => Received(gateway).Count == SessionCount));
        // Each silo: at most the call in flight when the others queued, and one carrying all of those.
        Assert.InRange(gateway.Calls.Count, 1, 4);
        Assert.Equal(SessionCount, gateway.Calls.Sum(c => c.Length));

        await Task.WhenAll(sessions.Select(async (s, i) =>
        {
            for (var n = 2; n <= 20; n++)
            {
                Assert.Equal(PublishStatus.Accepted, (await s.Publish(Event($"p{i}", n))).Status);
            }
        }));

        Assert.True(await WaitAsync(() => Received(gateway).Count == SessionCount * 20));
        var received = Received(gateway);
        for (var i = 0; i < SessionCount; i++)
        {
            Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), received.Where(r => r.Target == $"r{i}").Select(r => r.Seq));
        }

        Assert.True(gateway.Calls.Count < SessionCount * 20, $"{gateway.Calls.Count} calls for {SessionCount * 20} events");
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Publish_GatewayCallFails_SessionClosesItsReceiversWith4108()
    {
        var gatewayId = "gw-failing-" + Guid.NewGuid().ToString("N")[..8];
        var gateway = new GatedObserver();
        gateway.FailWhen(call => call.Any(b => b.Deliveries.Any(d => d.Kind == DeliveryKind.Event)));
        var reference = fixture.Grains.CreateObjectReference<ISessionObserver>(gateway);
        var sources = new RecordingObserver();
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        await session.Join(Member("p", ConnectionRole.Extension, "gw-src-" + gatewayId), fixture.Grains.CreateObjectReference<ISessionObserver>(sources));
        await session.Join(Member("r", ConnectionRole.Mcp, gatewayId), reference);

        await session.Publish(Event("p", 1));

        // The refused call faults the session's hand-off; after its pause it tells the gateway to close r.
        Assert.True(await WaitAsync(() => gateway.Calls.Any(c => c.Any(b => b.Deliveries.Any(d => d.Kind == DeliveryKind.Overflow)))));
        var overflow = gateway.Calls.SelectMany(c => c).SelectMany(b => b.Deliveries).Single(d => d.Kind == DeliveryKind.Overflow);
        Assert.Equal("r", Assert.Single(overflow.Targets));
        Assert.Equal(1, gateway.Calls.SelectMany(c => c).SelectMany(b => b.Deliveries).Count(d => d.Kind == DeliveryKind.Event));
    }

    private static InboundEnvelope Event(string sender, int n) =>
        Envelope(sender, "console-log", $"e{n}", $$$"""{"type":"console-log","id":"e{{{n}}}","data":{"n":{{{n}}}}}""");

    /// <summary>Every event delivery in arrival order, per target.</summary>
    private static List<(string Target, long Seq)> Received(GatedObserver gateway) =>
        [.. gateway.Calls.SelectMany(c => c).SelectMany(b => b.Deliveries)
            .Where(d => d.Kind == DeliveryKind.Event)
            .SelectMany(d => d.Targets.Select(t => (t, d.Seq)))];

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return condition();
    }
}
