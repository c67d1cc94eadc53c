using RapidTriage.Contracts;
using RapidTriage.Testing;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RosterTests(ClusterFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Join_AnnouncesMemberJoined_ToOthersOnly()
    {
        var observer = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<ISessionObserver>(observer);
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());

        await session.Join(Member("a", ConnectionRole.Mcp), reference);
        var join = await session.Join(Member("b", ConnectionRole.Extension), reference);

        Assert.True(join.Admitted);
        Assert.Equal(2, join.RosterSize);
        Assert.True(await observer.WaitAsync(o => o.FramesFor("a").Any(f => f["type"]!.GetValue<string>() == "member-joined")));
        var joined = observer.FramesFor("a").Single(f => f["type"]!.GetValue<string>() == "member-joined");
        Assert.Equal("b", joined["data"]!["connectionId"]!.GetValue<string>());
        Assert.Equal("extension", joined["data"]!["role"]!.GetValue<string>());
        Assert.DoesNotContain(observer.FramesFor("b"), f => f["data"]?["connectionId"]?.GetValue<string>() == "b");
        Assert.Equal(["a", "b"], (await session.GetRoster()).Select(m => m.ConnectionId));
    }
}
