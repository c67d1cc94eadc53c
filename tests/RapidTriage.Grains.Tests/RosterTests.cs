using System.Collections.Immutable;
using System.Text;
using RapidTriage.Contracts;

namespace RapidTriage.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RosterTests(ClusterFixture fixture)
{
    [Fact]
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

    internal static MemberInfo Member(string id, ConnectionRole role, string gateway = "gw-1", params string[] capabilities) =>
        new(id, role, gateway, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null,
            capabilities.Length > 0 ? [.. capabilities] : role == ConnectionRole.Extension ? [.. Capabilities.AllCapture] : ImmutableArray<string>.Empty,
            null, null, null, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    internal static InboundEnvelope Envelope(string sender, string type, string id, string json) =>
        new(MessageTypes.KindOf(type), type, id, sender, Encoding.UTF8.GetBytes(json));
}
