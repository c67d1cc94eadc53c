using System.Diagnostics;
using System.Text;
using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// How a session writes its history to grain storage (the cluster's in-memory provider, flushing every
/// 100 ms, a snapshot after 3 segments here): each flush appends only what is new, a snapshot replaces the
/// segments, an activation reads the snapshot and then the segments after it, and marks the session open with a
/// small record instead of rewriting history; a mark found open means the last activation died: a new epoch.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryPersistenceTests(ClusterFixture fixture)
{
    private const string Snapshot = "session";

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Flush_AppendsOnlyNewEvents_ThenASnapshotReplacesTheSegments()
    {
        var (session, id) = await NewSessionAsync(Member("a", ConnectionRole.Extension));
        Assert.Null(await ReadAsync<SessionState>(Snapshot, id)); // activation writes the open mark, no snapshot
        Assert.True((await ReadAsync<SessionMark>(HistoryStore.MarkName, id))!.Open);

        // Each publish waits for its segment: segment n holds exactly event n + 1, nothing written twice.
        var number = 0L;
        for (var i = 1; i <= 3; i++, number++)
        {
            await Publish(session, i);
            var segment = await WaitForAsync<HistorySegment>(SegmentName(number), id, _ => true);
            Assert.Equal([(long)i], segment.Events.Select(e => e.Seq));
            Assert.Equal(i, segment.LastSeq);
        }

        // Three segments: the next flush writes a snapshot of everything, numbers on past them, and deletes them.
        await Publish(session, 4);
        var snapshot = await WaitForAsync<SessionState>(Snapshot, id, s => s.LastSeq == 4);
        Assert.Equal([1L, 2, 3, 4], snapshot.Events.Select(e => e.Seq));
        Assert.Equal(number, snapshot.FirstSegment);
        // The snapshot is written first, then the segments it replaces are deleted.
        for (var old = 0L; old < number; old++)
        {
            await fixture.WaitForDeletedAsync<HistorySegment>(SegmentName(old), id);
        }

        await Publish(session, 5);
        var next = await WaitForAsync<HistorySegment>(SegmentName(number), id, _ => true);
        Assert.Equal([5L], next.Events.Select(e => e.Seq));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ClearLogs_WritesAnEmptySnapshot_SoNoSegmentBringsClearedEventsBack()
    {
        var (session, id) = await NewSessionAsync(Member("a", ConnectionRole.Extension), Member("m", ConnectionRole.Mcp));
        await Publish(session, 1);
        await WaitForAsync<HistorySegment>(SegmentName(0), id, _ => true);

        var clear = await session.Publish(Envelope("m", MessageTypes.ClearLogs, "c1", """{"type":"clear-logs","id":"c1"}"""));
        Assert.Equal(PublishStatus.Accepted, clear.Status);
        var snapshot = await WaitForAsync<SessionState>(Snapshot, id, s => s.ClearedThroughSeq == 1);
        Assert.Empty(snapshot.Events);
        Assert.Equal(1, snapshot.FirstSegment);
        await fixture.WaitForDeletedAsync<HistorySegment>(SegmentName(0), id); // deleted after the snapshot lands
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Activation_ReadsTheSnapshotThenEverySegmentUpToAGap_RepeatsOnce()
    {
        // What a silo that died between snapshots leaves (state from before open marks: the snapshot says open):
        // two segments after the snapshot (the second repeating an event, as a rewrite after a failed write may),
        // then a gap, then a stray.
        var key = ClusterFixture.NewSession();
        var session = fixture.Grains.GetGrain<ISessionGrain>(key);
        var id = session.GetGrainId();
        await WriteAsync(Snapshot, id, new SessionState
        {
            Epoch = "old-epoch",
            LastSeq = 2,
            Events = [Event(1), Event(2)],
            FirstSegment = 7,
            Open = true,
        });
        await WriteAsync(SegmentName(7), id, new HistorySegment { LastSeq = 4, Events = [Event(3), Event(4)] });
        await WriteAsync(SegmentName(8), id, new HistorySegment { LastSeq = 6, Events = [Event(4), Event(5), Event(6)] });
        await WriteAsync(SegmentName(10), id, new HistorySegment { LastSeq = 99, Events = [Event(99)] });
        var before = await ReadStateAsync<SessionState>(Snapshot, id);

        var page = await session.GetHistory(new HistoryQuery([], 0, 100));

        Assert.Equal([1L, 2, 3, 4, 5, 6], page.Events.Select(e => e.Seq));
        Assert.Equal(6, page.LastSeq);
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var join = await session.Join(Member("a", ConnectionRole.Extension), observer);
        Assert.NotEqual("old-epoch", join.Epoch);
        Assert.Equal(6, join.LastSeq);

        // The activation wrote only its open mark: the snapshot and the segments it read stay until a later flush.
        var mark = await ReadAsync<SessionMark>(HistoryStore.MarkName, id);
        Assert.Equal((join.Epoch, true), (mark!.Epoch, mark.Open));
        Assert.Equal(before.ETag, (await ReadStateAsync<SessionState>(Snapshot, id)).ETag);
        Assert.NotNull(await ReadAsync<HistorySegment>(SegmentName(7), id));

        // The next flush appends after the last segment read, and the one after that compacts (3 segments here):
        // a snapshot of everything, numbered past them, and the segments it replaces are deleted.
        Assert.Equal(7, (await session.Publish(Envelope("a", "console-log", "e7", """{"type":"console-log","id":"e7"}"""))).Seq);
        var appended = await WaitForAsync<HistorySegment>(SegmentName(9), id, _ => true);
        Assert.Equal([7L], appended.Events.Select(e => e.Seq));
        Assert.Equal(8, (await session.Publish(Envelope("a", "console-log", "e8", """{"type":"console-log","id":"e8"}"""))).Seq);
        var snapshot = await WaitForAsync<SessionState>(Snapshot, id, s => s.LastSeq == 8);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], snapshot.Events.Select(e => e.Seq));
        Assert.Equal(10, snapshot.FirstSegment);
        Assert.Equal(join.Epoch, snapshot.Epoch);
        foreach (var old in new[] { 7, 8, 9 })
        {
            await fixture.WaitForDeletedAsync<HistorySegment>(SegmentName(old), id); // deleted after the snapshot lands
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Activation_AfterACleanClose_KeepsTheEpoch_AndRewritesNoHistory()
    {
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var id = session.GetGrainId();
        await WriteAsync(Snapshot, id, new SessionState { Epoch = "kept", LastSeq = 3, Events = [Event(1), Event(2), Event(3)], FirstSegment = 0, Open = true });
        await WriteAsync(HistoryStore.MarkName, id, new SessionMark { Epoch = "kept", Open = false });
        var before = await ReadStateAsync<SessionState>(Snapshot, id);

        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var join = await session.Join(Member("a", ConnectionRole.Extension), observer);

        Assert.Equal(("kept", 3L), (join.Epoch, join.LastSeq));
        Assert.Equal(before.ETag, (await ReadStateAsync<SessionState>(Snapshot, id)).ETag);
        Assert.Null(await ReadAsync<HistorySegment>(SegmentName(0), id));
        var mark = await ReadAsync<SessionMark>(HistoryStore.MarkName, id);
        Assert.Equal(("kept", true), (mark!.Epoch, mark.Open));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Activation_AfterACrashWithTheMarkOpen_TakesANewEpoch_AndKeepsWhatWasWritten()
    {
        // What a silo killed after the activation marked the session open and flushed one segment leaves.
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var id = session.GetGrainId();
        await WriteAsync(Snapshot, id, new SessionState { Epoch = "crashed", LastSeq = 1, Events = [Event(1)], FirstSegment = 0, Open = true });
        await WriteAsync(HistoryStore.MarkName, id, new SessionMark { Epoch = "crashed", Open = true });
        await WriteAsync(SegmentName(0), id, new HistorySegment { LastSeq = 2, Events = [Event(2)] });

        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var join = await session.Join(Member("a", ConnectionRole.Extension), observer);

        Assert.NotEqual("crashed", join.Epoch);
        Assert.Equal(2, join.LastSeq);
        Assert.Equal([1L, 2], (await session.GetHistory(new HistoryQuery([], 0, 100))).Events.Select(e => e.Seq));
        var mark = await ReadAsync<SessionMark>(HistoryStore.MarkName, id);
        Assert.Equal((join.Epoch, true), (mark!.Epoch, mark.Open));
        var replay = await session.ReadReplay(new ReplayRequest("b", "crashed", 1, 100, 1 << 20));
        Assert.Equal(RecoveryReasons.EpochMismatch, replay.Gap);
    }

    /// <summary>A new session with these members joined (one recording observer for all), and its grain id.</summary>
    private async Task<(ISessionGrain Session, GrainId Id)> NewSessionAsync(params MemberInfo[] members)
    {
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        foreach (var member in members)
        {
            await session.Join(member, observer);
        }

        return (session, session.GetGrainId());
    }

    private static string SegmentName(long number) => HistoryLog.StateNamePrefix + number;

    private static StoredEvent Event(long seq) =>
        new(seq, "console-log", Encoding.UTF8.GetBytes($$"""{"seq":{{seq}},"type":"console-log","id":"e{{seq}}"}"""), "a");

    private static async Task Publish(ISessionGrain session, int i)
    {
        var result = await session.Publish(Envelope("a", "console-log", $"e{i}", $$"""{"type":"console-log","id":"e{{i}}"}"""));
        Assert.Equal(PublishStatus.Accepted, result.Status);
    }

    /// <summary>The record, or null when there is none.</summary>
    private async Task<T?> ReadAsync<T>(string name, GrainId id)
        where T : class
    {
        var state = new GrainState<T>();
        await fixture.Storage.ReadStateAsync(name, id, state);
        return state.RecordExists ? state.State : null;
    }

    private async Task<GrainState<T>> ReadStateAsync<T>(string name, GrainId id)
    {
        var state = new GrainState<T>();
        await fixture.Storage.ReadStateAsync(name, id, state);
        Assert.True(state.RecordExists, $"{name} of {id} is missing");
        return state;
    }

    private Task WriteAsync<T>(string name, GrainId id, T value) =>
        fixture.Storage.WriteStateAsync(name, id, new GrainState<T>(value));

    private async Task<T> WaitForAsync<T>(string name, GrainId id, Func<T, bool> condition)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var state = await ReadAsync<T>(name, id);
            if (state is not null && condition(state))
            {
                return state;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{name} of {id} never got there");
            await Task.Delay(50);
        }
    }
}
