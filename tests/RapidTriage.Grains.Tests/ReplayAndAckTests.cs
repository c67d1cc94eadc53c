using System.Text;
using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// The session's side of delivery: replay pages for a connection's cursor (and the gaps they report), publish
/// acknowledgements with resend recognition, the cap on event types, and who may answer a command.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplayAndAckTests(ClusterFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ReadReplay_LeavesOutTheReadersOwnEvents_AndPagesByCount()
    {
        var (session, epoch) = await fixture.NewSessionAsync(Member("a", ConnectionRole.Extension), Member("b", ConnectionRole.Mcp));
        for (var i = 1; i <= 6; i++)
        {
            await PublishAsync(session, i % 2 == 0 ? "b" : "a", $"e{i}");
        }

        var first = await session.ReadReplay(new ReplayRequest("b", epoch, 0, 2, 1 << 20));
        var second = await session.ReadReplay(new ReplayRequest("b", epoch, first.ThroughSeq, 2, 1 << 20));

        Assert.Null(first.Gap);
        Assert.Equal([1L, 3], first.Events.Select(e => e.Seq));
        Assert.Equal(4, first.ThroughSeq);
        Assert.Equal([5L], second.Events.Select(e => e.Seq));
        Assert.Equal(6, second.ThroughSeq);
        Assert.Equal(6, second.LastSeq);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ReadReplay_GapClearedOrTrimmedOrOfAnotherEpoch_SaysWhy()
    {
        var (session, epoch) = await fixture.NewSessionAsync(Member("a", ConnectionRole.Extension), Member("m", ConnectionRole.Mcp));
        await PublishAsync(session, "a", "before-clear");
        await session.Publish(Envelope("m", MessageTypes.ClearLogs, "c1", """{"type":"clear-logs","id":"c1"}"""));

        // The fixture keeps 50 events per type: 60 more trim the first 10 of them.
        for (var i = 1; i <= 60; i++)
        {
            await PublishAsync(session, "a", $"e{i}");
        }

        Assert.Equal(RecoveryReasons.Cleared, (await session.ReadReplay(new ReplayRequest("m", epoch, 0, 10, 1 << 20))).Gap);
        Assert.Equal(RecoveryReasons.HistoryTruncated, (await session.ReadReplay(new ReplayRequest("m", epoch, 5, 10, 1 << 20))).Gap);
        Assert.Equal(RecoveryReasons.EpochMismatch, (await session.ReadReplay(new ReplayRequest("m", "other", 20, 10, 1 << 20))).Gap);
        Assert.Equal(RecoveryReasons.UnknownSeq, (await session.ReadReplay(new ReplayRequest("m", epoch, 99, 10, 1 << 20))).Gap);
        Assert.Null((await session.ReadReplay(new ReplayRequest("m", epoch, 11, 10, 1 << 20))).Gap);

        var init = await session.Init(new InitRequest(Member("late", ConnectionRole.Mcp), 0, epoch), fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver()));
        Assert.Equal((false, RecoveryReasons.Cleared), (init.Recovered, init.Reason));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Publish_AckIdAcceptedBefore_DuplicateWithTheFirstSeqAndNotDelivered()
    {
        var observer = new RecordingObserver();
        var (session, _) = await fixture.NewSessionAsync(observer, Member("a", ConnectionRole.Extension), Member("m", ConnectionRole.Mcp));

        var first = await session.Publish(Acked("a", "once"));
        var again = await session.Publish(Acked("a", "once"));
        var plain = await session.Publish(Envelope("a", "console-log", "once", """{"type":"console-log","id":"once"}"""));

        Assert.Equal((PublishStatus.Accepted, 1L), (first.Status, first.Seq));
        Assert.Equal((PublishStatus.Duplicate, 1L), (again.Status, again.Seq));
        Assert.Equal((PublishStatus.Accepted, 2L), (plain.Status, plain.Seq));
        Assert.True(await observer.WaitAsync(o => o.For("m").Count(d => d.Kind == DeliveryKind.Event) == 2));
        Assert.Equal([1L, 2], observer.For("m").Where(d => d.Kind == DeliveryKind.Event).Select(d => d.Seq));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Publish_AckIdOfAnEventInStoredHistory_RecognizedByANewActivation()
    {
        // What a session that moved silos finds in storage: an event that was sent with "ack": true.
        var key = ClusterFixture.NewSession();
        var session = fixture.Grains.GetGrain<ISessionGrain>(key);
        var payload = Encoding.UTF8.GetBytes("""{"seq":7,"type":"console-log","id":"kept","ack":true}""");
        await fixture.Storage.WriteStateAsync("session", session.GetGrainId(), new GrainState<SessionState>(new SessionState
        {
            Epoch = "moved",
            LastSeq = 7,
            Events = [new StoredEvent(7, "console-log", payload, "old-connection", "kept")],
        }));
        await session.Join(Member("a", ConnectionRole.Extension), fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver()));

        var resend = await session.Publish(Acked("a", "kept"));

        Assert.Equal((PublishStatus.Duplicate, 7L), (resend.Status, resend.Seq));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Publish_NewTypeBeyondMaxTypes_RefusedAndNotStored()
    {
        var (session, _) = await fixture.NewSessionAsync(Member("a", ConnectionRole.Extension));
        var limit = new HistoryOptions().MaxTypes;
        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(PublishStatus.Accepted, (await session.Publish(Envelope("a", $"type-{i}", $"t{i}", $$"""{"type":"type-{{i}}"}"""))).Status);
        }

        var over = await session.Publish(Envelope("a", "one-more", "x", """{"type":"one-more"}"""));
        var known = await session.Publish(Envelope("a", "type-0", "y", """{"type":"type-0"}"""));

        Assert.Equal(PublishStatus.TooManyTypes, over.Status);
        Assert.Equal(PublishStatus.Accepted, known.Status);
        Assert.Empty((await session.GetHistory(new HistoryQuery(["one-more"], 0, 10))).Events);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Response_FromAMemberTheCommandDidNotReach_Dropped()
    {
        var observer = new RecordingObserver();
        var (session, _) = await fixture.NewSessionAsync(observer, Member("m", ConnectionRole.Mcp), Member("e", ConnectionRole.Extension),
            Member("other", ConnectionRole.Mcp));
        await session.Publish(Envelope("m", "screenshot-request", "1", """{"type":"screenshot-request","id":"1"}"""));
        Assert.True(await observer.WaitAsync(o => o.FramesFor("e").Any(f => f["type"]!.GetValue<string>() == "screenshot-request")));
        var asked = observer.FramesFor("e").Single(f => f["type"]!.GetValue<string>() == "screenshot-request")["id"]!.GetValue<string>();

        var forged = await session.Publish(Envelope("other", "screenshot-response", asked, $$$"""{"type":"screenshot-response","id":"{{{asked}}}"}"""));
        var real = await session.Publish(Envelope("e", "screenshot-response", asked, $$$"""{"type":"screenshot-response","id":"{{{asked}}}"}"""));

        Assert.Equal(PublishStatus.Dropped, forged.Status);
        Assert.Equal(PublishStatus.Accepted, real.Status);
        Assert.True(await observer.WaitAsync(o => o.FramesFor("m").Any(f => f["type"]!.GetValue<string>() == "screenshot-response")));
        Assert.Equal("1", observer.FramesFor("m").Single(f => f["type"]!.GetValue<string>() == "screenshot-response")["id"]!.GetValue<string>());
    }

    private static InboundEnvelope Acked(string sender, string id) =>
        Envelope(sender, "console-log", id, $$"""{"type":"console-log","id":"{{id}}","ack":true}""") with { Ack = true };

    private static async Task PublishAsync(ISessionGrain session, string sender, string id) =>
        Assert.Equal(PublishStatus.Accepted, (await session.Publish(Envelope(sender, "console-log", id, $$"""{"type":"console-log","id":"{{id}}"}"""))).Status);
}
