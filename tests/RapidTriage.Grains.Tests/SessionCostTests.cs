using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// What a session costs while it exists (<see cref="ScaleFixture"/>: writes counted, idle collection after 2 s, a
/// 2 writes/s flush budget, gateways gone after 1 s silent, observer expiry at its 180 s default).
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class SessionCostTests(ScaleFixture fixture)
{
    

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task IdleSession_TwoMembers_WritesNothingOverManyFlushIntervals()
    {
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var id = session.GetGrainId();
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var members = new[] { Member("ext", ConnectionRole.Extension, "gw-idle"), Member("mcp", ConnectionRole.Mcp, "gw-idle") };
        var epoch = "";
        foreach (var member in members)
        {
            epoch = (await session.Join(member, observer)).Epoch;
        }

        await session.Publish(Envelope("ext", "console-log", "e1", """{"type":"console-log","id":"e1"}"""));
        await WaitUntilAsync(() => fixture.Storage.WritesOf(id).Any(w => w.Name.StartsWith(HistoryLog.StateNamePrefix, StringComparison.Ordinal)));

        // Thirty of the shortest flush intervals, three of the longest, with the gateway's renewals keeping the
        // session active as they do in production (there once a minute, well within the 15-minute idle timeout).
        var subscriptions = members.Select(m => new Subscription(m, epoch, 1)).ToImmutableArray();
        await TestSessions.RenewForAsync("gw-idle", observer, [(session, subscriptions)], ScaleFixture.MaxFlushInterval * 3, ScaleFixture.IdleTimeout / 4);

        // Activation marked the session open (no snapshot), the event went out in one segment, and then nothing:
        // renewals write nothing either.
        Assert.Equal([HistoryStore.MarkName, HistoryLog.StateNamePrefix + "0"], fixture.Storage.WritesOf(id).Select(w => w.Name));
        Assert.Equal(2, (await session.GetRoster()).Length);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task DirtySession_UnderASmallBudget_WritesNoMoreOftenThanTheBudgetAllows()
    {
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var id = session.GetGrainId();
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        await session.Join(Member("ext", ConnectionRole.Extension, "gw-busy"), observer);
        var options = fixture.SiloServices.GetRequiredService<IOptions<SessionOptions>>().Value.History;

        // At least this session is dirty: 1 / 2 writes per second, not the 100 ms FlushInterval.
        var interval = FlushBudget.IntervalFor(1, options);
        Assert.Equal(TimeSpan.FromMilliseconds(500), interval);
        var clock = Stopwatch.StartNew();
        for (var i = 1; clock.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            await session.Publish(Envelope("ext", "console-log", $"e{i}", $$"""{"type":"console-log","id":"e{{i}}"}"""));
            await Task.Delay(50);
        }

        await Task.Delay(interval * 2);
        var writes = fixture.Storage.WritesOf(id)
            .Where(w => w.Name.StartsWith(HistoryLog.StateNamePrefix, StringComparison.Ordinal) || w.Name == HistoryStore.SnapshotName)
            .Select(w => w.At).ToList();

        // 3 s of events every 50 ms: at most one write per interval (plus the one for the tail), never closer.
        Assert.InRange(writes.Count, 2, (int)(clock.Elapsed / interval) + 1);
        var gaps = writes.Zip(writes.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= interval - TimeSpan.FromMilliseconds(20), $"writes {gap.TotalMilliseconds} ms apart"));

        // Slower, not lossy: the last write holds the last event.
        var last = fixture.Storage.WritesOf(id).Last(w => w.Name.StartsWith(HistoryLog.StateNamePrefix, StringComparison.Ordinal));
        var segment = new GrainState<HistorySegment>();
        await fixture.Storage.ReadStateAsync(last.Name, id, segment);
        Assert.Equal((await session.GetHistory(new HistoryQuery([], 0, 1))).LastSeq, segment.State!.LastSeq);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Beat_AfterASilenceLongerThanGatewayExpiry_TellsTheGatewayToRenewItsSessions()
    {
        var registry = fixture.Grains.GetGrain<IGatewayRegistryGrain>(0);
        var paused = "gw-paused-" + Guid.NewGuid().ToString("N")[..8];
        await registry.BeatAndCheckSilence(paused);
        Assert.False(await registry.BeatAndCheckSilence(paused));

        // Silent for longer than the expiry (3 s): silos may have let its members go, so the next beat says so, once.
        await Task.Delay(new SessionOptions().Cluster.GatewayExpiry + TimeSpan.FromSeconds(1));
        Assert.True(await registry.BeatAndCheckSilence(paused));
        Assert.False(await registry.BeatAndCheckSilence(paused));

        // A gateway from before the answer existed still beats with Beat; it counts the same.
        await Task.Delay(new SessionOptions().Cluster.GatewayExpiry + TimeSpan.FromSeconds(1));
        await registry.Beat(paused);
        Assert.False(await registry.BeatAndCheckSilence(paused));
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task GatewayGone_ItsMembersLeaveWithinSeconds_ThroughThePresenceNotObserverExpiry()
    {
        var registry = fixture.Grains.GetGrain<IGatewayRegistryGrain>(0);
        var dying = "gw-dying-" + Guid.NewGuid().ToString("N")[..8];
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var alive = new RecordingObserver();
        var aliveRef = fixture.Grains.CreateObjectReference<ISessionObserver>(alive);
        var dyingRef = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        await registry.Beat(dying);

        // The session's idle timeout here (2 s) is shorter than this test, and nothing else calls it for seconds at a
        // time: a collected session comes back with an empty roster. Reads keep it active and renew nobody.
        await using var keepActive = TestSessions.KeepActive(session, TimeSpan.FromMilliseconds(250));
        await session.Join(Member("a", ConnectionRole.Mcp, "gw-never-beats"), aliveRef);
        await session.Join(Member("b", ConnectionRole.Extension, dying), dyingRef);
        await session.Join(Member("c", ConnectionRole.Tunnel, dying), dyingRef);

        // Beating for longer than the expiry (so the registry is old enough to trust): nobody leaves.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            await registry.Beat(dying);
            await Task.Delay(200);
        }

        Assert.Equal(3, (await session.GetRoster()).Length);

        // Silent: the silo tells the session (observer expiry is 180 s, and only the reads above call it meanwhile).
        clock.Restart();
        var left = await alive.WaitAsync(o => o.FramesFor("a").Count(f => f["type"]!.GetValue<string>() == "member-left") == 2, TimeSpan.FromSeconds(10));
        Assert.True(left, "the gone gateway's members never left");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");

        // A gateway the registry never heard from is unknown, not gone.
        Assert.Equal(["a"], (await session.GetRoster()).Select(m => m.ConnectionId));
        Assert.Equal(0, fixture.SiloServices.GetRequiredService<GatewayPresence>().LinkedSessions(dying));
        Assert.Equal(1, fixture.SiloServices.GetRequiredService<GatewayPresence>().LinkedSessions("gw-never-beats"));
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task SessionWithMembers_KeptActiveByRenewals_AndCollectedOnceNobodyCalls()
    {
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var renewed = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var silent = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var members = new[] { Member("ext", ConnectionRole.Extension, "gw-keep"), Member("mcp", ConnectionRole.Mcp, "gw-keep") };
        var epoch = "";
        foreach (var member in members)
        {
            epoch = (await renewed.Join(member, observer)).Epoch;
            await silent.Join(member, observer);
        }

        // The gateway's renewal sweep, much faster than the idle timeout here as it is in production (60 s against 15 min).
        var subscriptions = members.Select(m => new Subscription(m, epoch, 0)).ToImmutableArray();
        await TestSessions.RenewForAsync("gw-keep", observer, [(renewed, subscriptions)], ScaleFixture.IdleTimeout * 3, ScaleFixture.IdleTimeout / 4);

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var active = (await management.GetDetailedGrainStatistics()).Select(s => s.GrainId).ToHashSet();
        Assert.Contains(renewed.GetGrainId(), active);
        Assert.DoesNotContain(silent.GetGrainId(), active);
        Assert.Equal(["ext", "mcp"], (await renewed.GetRoster()).Select(m => m.ConnectionId).Order());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task OpenMarkWriteFails_NothingIsServed_UntilItIsWritten()
    {
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var id = session.GetGrainId();
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        fixture.Storage.FailWrite = (name, grain) => grain == id && name == HistoryStore.MarkName;
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => session.Join(Member("ext", ConnectionRole.Extension, "gw-mark"), observer));
            await Assert.ThrowsAnyAsync<Exception>(() => session.Post(Envelope("ext", "console-log", "e1", """{"type":"console-log","id":"e1"}""")));
        }
        finally
        {
            fixture.Storage.FailWrite = null;
        }

        Assert.Empty(fixture.Storage.WritesOf(id));
        var join = await session.Join(Member("ext", ConnectionRole.Extension, "gw-mark"), observer);
        Assert.True(join.Admitted);
        Assert.Equal(0, join.LastSeq);
        Assert.Equal([HistoryStore.MarkName], fixture.Storage.WritesOf(id).Select(w => w.Name));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "never happened");
            await Task.Delay(50);
        }
    }
}
