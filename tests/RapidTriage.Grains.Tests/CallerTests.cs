using System.Text.Json.Nodes;
using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// Callers that hold no socket (MCP tools, HTTP capture endpoints): <c>Post</c> adds events, <c>Ask</c> sends a command
/// and waits for its answer (1 s command timeout here), and history can be read from its newest end.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CallerTests(ClusterFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_Event_GetsSeqAndReachesEveryMember()
    {
        var (session, observer, reference) = fixture.NewObservedSession();
        await session.Join(Member("viewer", ConnectionRole.Tunnel), reference);

        var result = await session.Post(Envelope("http:caller", "console-log", "p1", """{"type":"console-log","id":"p1","data":{}}"""));

        Assert.Equal(PublishStatus.Accepted, result.Status);
        Assert.Equal(1, result.Seq);
        Assert.True(await observer.WaitAsync(o => o.FramesFor("viewer").Any(f => f["id"]?.GetValue<string>() == "p1")));
        Assert.Equal(1, (await session.GetHistory(new HistoryQuery([], 0, 10))).Events.Single().Seq);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_Command_IsRefused()
    {
        var (session, _, _) = fixture.NewObservedSession();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            session.Post(Envelope("http:caller", "screenshot-request", "s1", """{"type":"screenshot-request","id":"s1","data":{}}""")));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Ask_Screenshot_ReturnsTheCaptureMembersAnswer()
    {
        var (session, observer, reference) = fixture.NewObservedSession();
        await session.Join(Member("ext", ConnectionRole.Extension), reference);

        var asking = session.Ask(Envelope("http:mcp", "screenshot-request", "ask-1", """{"type":"screenshot-request","id":"ask-1","data":{}}"""), TimeSpan.FromSeconds(5));
        Assert.True(await observer.WaitAsync(o => o.FramesFor("ext").Any(f => f["type"]?.GetValue<string>() == "screenshot-request")));
        var asked = observer.FramesFor("ext").First(f => f["type"]?.GetValue<string>() == "screenshot-request")["id"]!.GetValue<string>();
        await session.Publish(Envelope("ext", "screenshot-response", asked, $$$"""{"type":"screenshot-response","id":"{{{asked}}}","data":{"success":true}}"""));
        var reply = await asking;

        Assert.Equal(CommandOutcome.Answered, reply.Outcome);
        Assert.Equal("ext", reply.AnsweredBy);
        Assert.True(JsonNode.Parse(reply.Payload!)!["data"]!["success"]!.GetValue<bool>());
        Assert.Equal("ask-1", JsonNode.Parse(reply.Payload!)!["id"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Ask_NoCaptureMember_AnswersNoHandlerAtOnce()
    {
        var (session, _, reference) = fixture.NewObservedSession();
        await session.Join(Member("assistant", ConnectionRole.Mcp), reference);

        var reply = await session.Ask(Envelope("http:mcp", "screenshot-request", "ask-2", """{"type":"screenshot-request","id":"ask-2","data":{}}"""), TimeSpan.FromSeconds(5));

        Assert.Equal(CommandOutcome.NoHandler, reply.Outcome);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Ask_NobodyAnswers_TimesOutWithinTheCommandTimeout()
    {
        var (session, _, reference) = fixture.NewObservedSession();
        await session.Join(Member("ext", ConnectionRole.Extension), reference);
        var started = DateTime.UtcNow;

        var reply = await session.Ask(Envelope("http:mcp", "screenshot-request", "ask-3", """{"type":"screenshot-request","id":"ask-3","data":{}}"""), TimeSpan.FromMinutes(1));

        Assert.Equal(CommandOutcome.TimedOut, reply.Outcome);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Ask_WhileWaiting_TheSessionKeepsServingOtherCalls()
    {
        var (session, _, reference) = fixture.NewObservedSession();
        await session.Join(Member("ext", ConnectionRole.Extension), reference);

        var asking = session.Ask(Envelope("http:mcp", "screenshot-request", "ask-4", """{"type":"screenshot-request","id":"ask-4","data":{}}"""), TimeSpan.FromSeconds(5));
        var published = await session.Publish(Envelope("ext", "console-log", "e1", """{"type":"console-log","id":"e1","data":{}}"""));

        Assert.False(asking.IsCompleted);
        Assert.Equal(PublishStatus.Accepted, published.Status);
        Assert.Equal(CommandOutcome.TimedOut, (await asking).Outcome);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Ask_ClearLogs_EmptiesHistoryAndReachesCaptureMembers()
    {
        var (session, observer, reference) = fixture.NewObservedSession();
        await session.Join(Member("ext", ConnectionRole.Extension), reference);
        await session.Post(Envelope("http:caller", "console-log", "p1", """{"type":"console-log","id":"p1","data":{}}"""));

        var reply = await session.Ask(Envelope("http:mcp", "clear-logs", "c1", """{"type":"clear-logs","id":"c1","data":{}}"""), TimeSpan.FromSeconds(5));

        Assert.Equal(CommandOutcome.Done, reply.Outcome);
        Assert.Empty((await session.GetHistory(new HistoryQuery([], 0, 10))).Events);
        Assert.True(await observer.WaitAsync(o => o.FramesFor("ext").Any(f => f["id"]?.GetValue<string>() == "c1")));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetHistory_Newest_KeepsTheNewestInSeqOrder()
    {
        var (session, _, _) = fixture.NewObservedSession();
        for (var i = 1; i <= 10; i++)
        {
            var type = i % 2 == 0 ? "console-log" : "network-request";
            await session.Post(Envelope("http:caller", type, $"e{i}", $$$"""{"type":"{{{type}}}","id":"e{{{i}}}","data":{}}"""));
        }

        var newest = await session.GetHistory(new HistoryQuery([], 0, 4, Newest: true));
        var oldest = await session.GetHistory(new HistoryQuery([], 0, 4));
        var newestLogs = await session.GetHistory(new HistoryQuery(["console-log"], 2, 3, Newest: true));
        var all = await session.GetHistory(new HistoryQuery(["console-log"], 0, 100, Newest: true));

        Assert.Equal([7L, 8, 9, 10], newest.Events.Select(e => e.Seq));
        Assert.True(newest.HasMore);
        Assert.Equal([1L, 2, 3, 4], oldest.Events.Select(e => e.Seq));
        Assert.Equal([6L, 8, 10], newestLogs.Events.Select(e => e.Seq));
        Assert.True(newestLogs.HasMore);
        Assert.Equal([2L, 4, 6, 8, 10], all.Events.Select(e => e.Seq));
        Assert.False(all.HasMore);
    }
}
