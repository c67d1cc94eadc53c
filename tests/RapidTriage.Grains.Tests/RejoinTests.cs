using RapidTriage.Contracts;
using RapidTriage.Testing;

namespace RapidTriage.Grains.Tests;

/// <summary>How a session rebuilds its roster from gateway renewals (cluster mode, after losing it).</summary>
[Collection(ClusterCollection.Name)]
public sealed class RejoinTests(ClusterFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Renew_MemberTheSessionLost_RejoinsAndItsGatewayReplaysWhatItMissedButNotItsOwn()
    {
        var gatewayA = new RecordingObserver();
        var gatewayB = new RecordingObserver();
        var refA = fixture.Grains.CreateObjectReference<ISessionObserver>(gatewayA);
        var refB = fixture.Grains.CreateObjectReference<ISessionObserver>(gatewayB);
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var a = TestWire.Member("a", ConnectionRole.Extension, "gw-a");
        var b = TestWire.Member("b", ConnectionRole.Mcp, "gw-b");
        var join = await session.Join(a, refA);
        await session.Join(b, refB);
        await session.Publish(TestWire.Envelope("b", "console-log", "own", """{"type":"console-log","id":"own"}"""));

        // Gateway B goes quiet past the expiry (2 s here) while A keeps renewing: B's member leaves.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!gatewayA.FramesFor("a").Any(f => f["type"]!.GetValue<string>() == "member-left"))
        {
            Assert.True(DateTime.UtcNow < deadline, "b never expired");
            await session.Renew("gw-a", refA, [new Subscription(a, join.Epoch, 1)]);
            // A gateway's renewal cadence, not a wait for the expiry: A renews every 250 ms while B stays silent.
            await Task.Delay(250);
        }

        await session.Publish(TestWire.Envelope("a", "console-log", "m2", """{"type":"console-log","id":"m2"}"""));
        await session.Publish(TestWire.Envelope("a", "network-request", "m3", """{"type":"network-request","id":"m3"}"""));

        var result = await session.Renew("gw-b", refB, [new Subscription(b, join.Epoch, 0)]);

        Assert.Empty(result.Stale);
        Assert.Equal(3, result.LastSeq);
        // B's gateway is told to read what b missed from history, after what it had queued (seq 0 here), and does.
        Assert.True(await gatewayB.WaitAsync(o => o.For("b").Any(d => d.Kind == DeliveryKind.Rewind)));
        Assert.Equal(0, gatewayB.For("b").Single(d => d.Kind == DeliveryKind.Rewind).Seq);
        Assert.DoesNotContain(gatewayB.For("b"), d => d.Kind == DeliveryKind.Event);
        var replay = await session.ReadReplay(new ReplayRequest("b", join.Epoch, 0, 100, 1 << 20));
        Assert.Null(replay.Gap);
        Assert.Equal([2L, 3L], replay.Events.Select(e => e.Seq));
        Assert.True(await gatewayA.WaitAsync(o => o.FramesFor("a").Any(f => f["type"]!.GetValue<string>() == "member-joined")));
        Assert.Contains((await session.GetRoster()).Select(m => m.ConnectionId), id => id == "b");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Renew_MemberFromAnotherEpoch_IsStaleAndNotAdded()
    {
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var member = TestWire.Member("old", ConnectionRole.Mcp, "gw-a");

        var result = await session.Renew("gw-a", observer, [new Subscription(member, "an-epoch-that-died", 7)]);

        Assert.Equal("old", Assert.Single(result.Stale));
        Assert.NotEqual("an-epoch-that-died", result.Epoch);
        Assert.Empty(await session.GetRoster());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Renew_SentBeforeALeave_DoesNotBringTheMemberBack()
    {
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var member = TestWire.Member("gone", ConnectionRole.Mcp, "gw-a");
        var join = await session.Join(member, observer);
        await session.Leave("gone");

        var result = await session.Renew("gw-a", observer, [new Subscription(member, join.Epoch, 0)]);

        Assert.Equal("gone", Assert.Single(result.Stale));
        Assert.Empty(await session.GetRoster());
    }
}
