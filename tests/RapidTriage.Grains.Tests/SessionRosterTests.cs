using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RapidTriage.Contracts;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>The roster on its own, on a fake clock: when a silent gateway's members leave, and when the roster says it is occupied.</summary>
public sealed class SessionRosterTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<Delivery> _sent = [];
    private readonly List<string> _left = [];
    private readonly SessionRoster _roster;

    public SessionRosterTests() =>
        _roster = new SessionRoster("s", new SessionOptions(), null, _time, (_, d) => _sent.Add(d), _left.Add, NullLogger.Instance);

    [Fact]
    public void ExpireSilent_GatewayRenewedWithinObserverExpiry_KeepsItsMembers_PastIt_TheyLeave()
    {
        var expiry = new SessionOptions().Cluster.ObserverExpiry;
        Assert.Equal(TimeSpan.FromMinutes(15), expiry);
        _roster.Join(Member("a", ConnectionRole.Extension, "gw-1"), new RecordingObserver());
        _roster.Join(Member("b", ConnectionRole.Mcp, "gw-2"), new RecordingObserver());

        _time.Advance(expiry - TimeSpan.FromSeconds(1));
        _roster.Join(Member("b", ConnectionRole.Mcp, "gw-2"), new RecordingObserver()); // gw-2 is heard from again
        _roster.ExpireSilent();
        Assert.Equal(2, _roster.Count);

        _time.Advance(TimeSpan.FromSeconds(2));
        _roster.ExpireSilent();
        Assert.Equal(["b"], _roster.Members.Select(m => m.Id));
        Assert.Equal(["a"], _left);
        Assert.Contains(_sent, d => d.Targets.SequenceEqual(["b"]) && System.Text.Encoding.UTF8.GetString(d.Payload).Contains("member-left"));

        _time.Advance(expiry);
        _roster.ExpireSilent();
        Assert.Equal(0, _roster.Count);
    }

    [Fact]
    public void GatewaysGone_DropsOnlyThatGatewaysMembers_WithoutWaitingForExpiry()
    {
        _roster.Join(Member("a", ConnectionRole.Extension, "gw-1"), new RecordingObserver());
        _roster.Join(Member("b", ConnectionRole.Mcp, "gw-2"), new RecordingObserver());
        _roster.Join(Member("c", ConnectionRole.Tunnel, "gw-2"), new RecordingObserver());

        _roster.GatewaysGone(["gw-2", "gw-unknown"]);

        Assert.Equal(["a"], _roster.Members.Select(m => m.Id));
        Assert.Equal(["b", "c"], _left.Order());
    }

    [Fact]
    public void Join_RosterFull_RefusedAndNotAnnounced()
    {
        var roster = new SessionRoster("s", new SessionOptions { MaxRosterSize = 1 }, null, _time, (_, d) => _sent.Add(d), _left.Add, NullLogger.Instance);
        Assert.True(roster.Join(Member("a", ConnectionRole.Extension, "gw-1"), new RecordingObserver()));

        Assert.False(roster.Join(Member("b", ConnectionRole.Mcp, "gw-1"), new RecordingObserver()));
        Assert.Equal(1, roster.Count);
        Assert.Empty(_sent);
    }
}
