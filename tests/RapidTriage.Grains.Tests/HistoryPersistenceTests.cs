using System.Text;
using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// How a session writes its history to grain storage (the cluster's in-memory provider, flushing every
/// 100 ms, a snapshot after 3 segments here): each flush appends only what is new, a snapshot replaces the
/// segments, and an activation reads the snapshot and then the segments after it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryPersistenceTests(ClusterFixture fixture)
{
    private const string Snapshot = "session";

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Flush_AppendsOnlyNewEvents_ThenASnapshotReplacesTheSegments()
    {
        var (session, _) = await fixture.NewSessionAsync(Member("a", ConnectionRole.Extension));
        var id = session.GetGrainId();
        var first = await fixture.ReadStateAsync<SessionState>(Snapshot, id);
        Assert.NotNull(first); // activation writes a snapshot
        Assert.True(first.Open);
        Assert.Empty(first.Events);

        // Each publish waits for its segment: segment n holds exactly event n + 1, nothing written twice.
        var number = first.FirstSegment;
        for (var i = 1; i <= 3; i++, number++)
        {
            await Publish(session, i);
            var segment = await fixture.WaitForStateAsync<HistorySegment>(SegmentName(number), id, _ => true);
            Assert.Equal([(long)i], segment.Events.Select(e => e.Seq));
            Assert.Equal(i, segment.LastSeq);
        }

        // Three segments: the next flush writes a snapshot of everything, numbers on past them, and deletes them.
        await Publish(session, 4);
        var snapshot = await fixture.WaitForStateAsync<SessionState>(Snapshot, id, s => s.LastSeq == 4);
        Assert.Equal([1L, 2, 3, 4], snapshot.Events.Select(e => e.Seq));
        Assert.Equal(number, snapshot.FirstSegment);
        // The snapshot is written first, then the segments it replaces are deleted.
        for (var old = first.FirstSegment; old < number; old++)
        {
            await fixture.WaitForDeletedAsync<HistorySegment>(SegmentName(old), id);
        }

        await Publish(session, 5);
        var next = await fixture.WaitForStateAsync<HistorySegment>(SegmentName(number), id, _ => true);
        Assert.Equal([5L], next.Events.Select(e => e.Seq));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ClearLogs_WritesAnEmptySnapshot_SoNoSegmentBringsClearedEventsBack()
    {
        var (session, _) = await fixture.NewSessionAsync(Member("a", ConnectionRole.Extension), Member("m", ConnectionRole.Mcp));
        var id = session.GetGrainId();
        var first = (await fixture.ReadStateAsync<SessionState>(Snapshot, id))!.FirstSegment;
        await Publish(session, 1);
        await fixture.WaitForStateAsync<HistorySegment>(SegmentName(first), id, _ => true);

        var clear = await session.Publish(Envelope("m", MessageTypes.ClearLogs, "c1", """{"type":"clear-logs","id":"c1"}"""));
        Assert.Equal(PublishStatus.Accepted, clear.Status);
        var snapshot = await fixture.WaitForStateAsync<SessionState>(Snapshot, id, s => s.ClearedThroughSeq == 1);
        Assert.Empty(snapshot.Events);
        Assert.Equal(first + 1, snapshot.FirstSegment);
        await fixture.WaitForDeletedAsync<HistorySegment>(SegmentName(first), id);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Activation_ReadsTheSnapshotThenEverySegmentUpToAGap_RepeatsOnce()
    {
        // What a silo that died between snapshots leaves: a snapshot still marked open, two segments after it
        // (the second repeating an event, as a rewrite after a failed write may), then a gap, then a stray.
        var key = ClusterFixture.NewSession();
        var session = fixture.Grains.GetGrain<ISessionGrain>(key);
        var id = session.GetGrainId();
        await fixture.WriteStateAsync(Snapshot, id, new SessionState
        {
            Epoch = "old-epoch",
            LastSeq = 2,
            Events = [Event(1), Event(2)],
            FirstSegment = 7,
            Open = true,
        });
        await fixture.WriteStateAsync(SegmentName(7), id, new HistorySegment { LastSeq = 4, Events = [Event(3), Event(4)] });
        await fixture.WriteStateAsync(SegmentName(8), id, new HistorySegment { LastSeq = 6, Events = [Event(4), Event(5), Event(6)] });
        await fixture.WriteStateAsync(SegmentName(10), id, new HistorySegment { LastSeq = 99, Events = [Event(99)] });

        var page = await session.GetHistory(new HistoryQuery([], 0, 100));

        Assert.Equal([1L, 2, 3, 4, 5, 6], page.Events.Select(e => e.Seq));
        Assert.Equal(6, page.LastSeq);
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var join = await session.Join(Member("a", ConnectionRole.Extension), observer);
        Assert.NotEqual("old-epoch", join.Epoch);
        Assert.Equal(6, join.LastSeq);

        // The activation folded what it read into a new snapshot and deleted the segments it read.
        var snapshot = await fixture.ReadStateAsync<SessionState>(Snapshot, id);
        Assert.NotNull(snapshot);
        Assert.Equal([1L, 2, 3, 4, 5, 6], snapshot.Events.Select(e => e.Seq));
        Assert.Equal(9, snapshot.FirstSegment);
        Assert.Null(await fixture.ReadStateAsync<HistorySegment>(SegmentName(7), id));
        Assert.Null(await fixture.ReadStateAsync<HistorySegment>(SegmentName(8), id));
        Assert.Equal(7, (await session.Publish(Envelope("a", "console-log", "e7", """{"type":"console-log","id":"e7"}"""))).Seq);
    }

    private static string SegmentName(long number) => HistoryLog.StateNamePrefix + number;

    private static StoredEvent Event(long seq) =>
        new(seq, "console-log", Encoding.UTF8.GetBytes($$"""{"seq":{{seq}},"type":"console-log","id":"e{{seq}}"}"""), "a");

    private static async Task Publish(ISessionGrain session, int i)
    {
        var result = await session.Publish(Envelope("a", "console-log", $"e{i}", $$"""{"type":"console-log","id":"e{{i}}"}"""));
        Assert.Equal(PublishStatus.Accepted, result.Status);
    }
}
