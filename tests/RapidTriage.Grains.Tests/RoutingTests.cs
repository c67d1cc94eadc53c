using System.Diagnostics;
using System.Text.Json.Nodes;
using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.Observed;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// The session grain's routing (docs/protocol.md section 4) on a two-silo test cluster: seq stamping, command routing
/// by capability, responses to the requester only, command timeouts (1 s here) and gateway expiry (2 s here).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RoutingTests(ClusterFixture fixture)
{
    // How long a test waits to prove that nothing more arrives (a frame that must not be sent, is not).
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Publish_Events_StampedWithSeqGrowingByOneAndSentToOthers()
    {
        var (session, observer, reference) = fixture.NewObservedSession();
        await session.Join(Member("a", ConnectionRole.Extension), reference);
        await session.Join(Member("b", ConnectionRole.Mcp), reference);
        await session.Join(Member("c", ConnectionRole.Tunnel, "gw-2"), reference);

        var results = new List<PublishResult>();
        for (var i = 1; i <= 5; i++)
        {
            results.Add(await session.Publish(Envelope("a", "console-log", $"e{i}", $$$"""{"type":"console-log","id":"e{{{i}}}","data":{"i":{{{i}}}}}""")));
        }

        var fromB = await session.Publish(Envelope("b", "network-request", "e6", """{"type":"network-request","id":"e6","data":{}}"""));

        Assert.All(results, r => Assert.Equal(PublishStatus.Accepted, r.Status));
        Assert.Equal([1L, 2, 3, 4, 5], results.Select(r => r.Seq));
        Assert.Equal(6, fromB.Seq);
        foreach (var receiver in new[] { "b", "c" })
        {
            Assert.True(await observer.WaitAsync(o => Events(o, receiver).Count == (receiver == "b" ? 5 : 6)));
            var events = Events(observer, receiver);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(d => d.Seq));
            var first = JsonNode.Parse(events[0].Payload)!.AsObject();
            Assert.Equal("seq", first.First().Key);
            Assert.Equal(1, first["seq"]!.GetValue<long>());
            Assert.Equal(1, first["data"]!["i"]!.GetValue<int>());
        }

        Assert.True(await observer.WaitAsync(o => Events(o, "a").Count == 1));
        Assert.Equal(6, Events(observer, "a").Single().Seq);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Commands_RoutedByRoleAndCapability()
    {
        var (session, observer, reference) = fixture.NewObservedSession();
        await session.Join(Member("m", ConnectionRole.Mcp), reference);
        await session.Join(Member("e-all", ConnectionRole.Extension), reference);
        await session.Join(Member("e-console", ConnectionRole.Extension, "gw-1", Capabilities.ConsoleCapture), reference);
        await session.Join(Member("t-shot", ConnectionRole.Tunnel, "gw-2", Capabilities.ScreenshotCapture), reference);
        await session.Join(Member("t-network", ConnectionRole.Tunnel, "gw-2", Capabilities.NetworkCapture), reference);
        await session.Join(Member("t-none", ConnectionRole.Tunnel, "gw-2"), reference);
        await session.Join(Member("m-claims", ConnectionRole.Mcp, "gw-1", Capabilities.ScreenshotCapture, Capabilities.ConsoleCapture), reference);

        var shot = await session.Publish(Envelope("m", "screenshot-request", "shot", """{"type":"screenshot-request","id":"shot","data":{}}"""));
        var clear = await session.Publish(Envelope("m", "clear-logs", "clear", """{"type":"clear-logs","id":"clear"}"""));

        Assert.Equal(PublishStatus.Accepted, shot.Status);
        Assert.Equal(PublishStatus.Accepted, clear.Status);
        Assert.True(await observer.WaitAsync(o => Ids(o, "e-console").Contains("clear") && Ids(o, "t-network").Contains("clear")));
        await Task.Delay(Quiet);
        // A command that waits for a response goes out under the session's correlation id; clear-logs waits for none.
        var correlated = Ids(observer, "e-all")[0];
        Assert.NotEqual("shot", correlated);
        Assert.Equal([correlated, "clear"], Ids(observer, "e-all"));
        Assert.Equal([correlated, "clear"], Ids(observer, "t-shot"));
        Assert.Equal(["clear"], Ids(observer, "e-console"));
        Assert.Equal(["clear"], Ids(observer, "t-network"));
        Assert.Empty(Ids(observer, "t-none"));
        Assert.Empty(Ids(observer, "m-claims"));
        Assert.Empty(Ids(observer, "m"));
        Assert.All(observer.For("e-all").Where(d => d.Payload.Length > 0 && IdOf(d) == correlated), d =>
        {
            Assert.Equal(DeliveryKind.Message, d.Kind);
            Assert.Equal(0, d.Seq);
        });
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Command_NoCapableMember_NoHandler()
    {
        var (session, _, reference) = fixture.NewObservedSession();
        await session.Join(Member("m", ConnectionRole.Mcp), reference);
        await session.Join(Member("m2", ConnectionRole.Mcp, "gw-1", Capabilities.ScreenshotCapture), reference);
        await session.Join(Member("t", ConnectionRole.Tunnel), reference);
        await session.Join(Member("e", ConnectionRole.Extension, "gw-1", Capabilities.ConsoleCapture), reference);

        var result = await session.Publish(Envelope("m", "screenshot-request", "nobody", """{"type":"screenshot-request","id":"nobody"}"""));

        Assert.Equal(PublishStatus.NoHandler, result.Status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Response_GoesToRequesterOnly_OthersDropped()
    {
        var (session, observer, reference) = fixture.NewObservedSession();
        await session.Join(Member("m", ConnectionRole.Mcp), reference);
        await session.Join(Member("bystander", ConnectionRole.Mcp, "gw-2"), reference);
        await session.Join(Member("e", ConnectionRole.Extension), reference);
        await session.Join(Member("t", ConnectionRole.Tunnel, "gw-2", Capabilities.ScreenshotCapture), reference);
        await session.Publish(Envelope("m", "screenshot-request", "s1", """{"type":"screenshot-request","id":"s1"}"""));
        Assert.True(await observer.WaitAsync(o => Frames(o, "e", "screenshot-request").Count == 1));
        var asked = Frames(observer, "e", "screenshot-request")[0]["id"]!.GetValue<string>();

        var first = await session.Publish(Envelope("e", "screenshot-response", asked, $$$"""{"type":"screenshot-response","id":"{{{asked}}}","data":{"success":true}}"""));
        var second = await session.Publish(Envelope("t", "screenshot-response", asked, $$$"""{"type":"screenshot-response","id":"{{{asked}}}","data":{"success":true,"late":true}}"""));
        var unknown = await session.Publish(Envelope("e", "screenshot-response", "s-unknown", """{"type":"screenshot-response","id":"s-unknown"}"""));

        Assert.Equal(PublishStatus.Accepted, first.Status);
        Assert.Equal(PublishStatus.Dropped, second.Status);
        Assert.Equal(PublishStatus.Dropped, unknown.Status);
        Assert.True(await observer.WaitAsync(o => Frames(o, "m", "screenshot-response").Count == 1));
        await Task.Delay(Quiet);
        var response = Assert.Single(Frames(observer, "m", "screenshot-response"));
        Assert.Equal("s1", response["id"]!.GetValue<string>());
        Assert.Null(response["data"]!["late"]);
        foreach (var other in new[] { "bystander", "e", "t" })
        {
            Assert.Empty(Frames(observer, other, "screenshot-response"));
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Command_Unanswered_TimeoutResponseToRequesterWithRequestId()
    {
        var (session, observer, reference) = fixture.NewObservedSession();
        await session.Join(Member("m", ConnectionRole.Mcp), reference);
        await session.Join(Member("e", ConnectionRole.Extension), reference);
        var clock = Stopwatch.StartNew();

        await session.Publish(Envelope("m", "screenshot-request", "slow", """{"type":"screenshot-request","id":"slow"}"""));

        Assert.True(await observer.WaitAsync(o => Frames(o, "m", "screenshot-response").Count == 1));
        var elapsed = clock.Elapsed;
        var timeout = Frames(observer, "m", "screenshot-response").Single();
        Assert.Equal("slow", timeout["id"]!.GetValue<string>());
        Assert.False(timeout["data"]!["success"]!.GetValue<bool>());
        Assert.Equal("timeout", timeout["data"]!["error"]!.GetValue<string>());
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9), $"timed out after {elapsed}");
        var late = await session.Publish(Envelope("e", "screenshot-response", "slow", """{"type":"screenshot-response","id":"slow","data":{"success":true}}"""));
        Assert.Equal(PublishStatus.Dropped, late.Status);
        Assert.Empty(Frames(observer, "e", "screenshot-response"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Gateway_StopsRenewing_ItsMembersLeaveWithMemberLeft()
    {
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var alive = new RecordingObserver();
        var dead = new RecordingObserver();
        var aliveRef = fixture.Grains.CreateObjectReference<ISessionObserver>(alive);
        var deadRef = fixture.Grains.CreateObjectReference<ISessionObserver>(dead);
        var a = Member("a", ConnectionRole.Mcp, "gw-alive");
        var epoch = (await session.Join(a, aliveRef)).Epoch;
        await session.Join(Member("b", ConnectionRole.Extension, "gw-dead"), deadRef);
        await session.Join(Member("c", ConnectionRole.Tunnel, "gw-dead"), deadRef);
        using var stop = new CancellationTokenSource();
        var renewing = RenewAsync(session, aliveRef, new Subscription(a, epoch, 0), stop.Token);

        var expired = await alive.WaitAsync(o => Frames(o, "a", "member-left").Count == 2, TimeSpan.FromSeconds(15));
        var roster = await session.GetRoster();
        await session.Publish(Envelope("a", "console-log", "after", """{"type":"console-log","id":"after"}"""));
        await Task.Delay(Quiet);
        await stop.CancelAsync();
        await renewing;

        Assert.True(expired);
        Assert.Equal(["b", "c"], Frames(alive, "a", "member-left").Select(f => f["data"]!["connectionId"]!.GetValue<string>()).Order());
        Assert.Equal(["a"], roster.Select(m => m.ConnectionId));
        Assert.DoesNotContain(dead.For("b").Concat(dead.For("c")), d => d.Payload.Length > 0 && IdOf(d) == "after");
    }

    private static async Task RenewAsync(ISessionGrain session, ISessionObserver observer, Subscription member, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await session.Renew(member.Member.GatewayId, observer, [member]);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
