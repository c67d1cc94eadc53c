using System.Text;
using RapidTriage.Contracts;

namespace RapidTriage.Grains.Tests;

public sealed class SessionHistoryTests
{
    [Fact]
    public void Add_OverPerType_DropsOldestOfThatTypeOnly()
    {
        var history = new SessionHistory(new HistoryOptions { PerType = 3, MaxBytes = long.MaxValue });
        history.Add(Event(1, "a"));
        history.Add(Event(2, "b"));
        for (var seq = 3; seq <= 7; seq++)
        {
            history.Add(Event(seq, "a"));
        }

        var (events, hasMore) = history.Query([], 0, 100);
        Assert.Equal([2L, 5, 6, 7], events.Select(e => e.Seq));
        Assert.False(hasMore);
        Assert.Equal(4, history.TrimmedThroughSeq);
    }

    [Fact]
    public void Add_OverMaxBytes_DropsOldestAcrossTypes()
    {
        var history = new SessionHistory(new HistoryOptions { PerType = 1000, MaxBytes = 100 });
        for (var seq = 1; seq <= 10; seq++)
        {
            history.Add(Event(seq, seq % 2 == 0 ? "a" : "b", size: 30));
        }

        Assert.True(history.Bytes <= 100);
        Assert.Equal([8L, 9, 10], history.Query([], 0, 100).Events.Select(e => e.Seq));
        Assert.Equal(7, history.TrimmedThroughSeq);
    }

    [Fact]
    public void Query_FiltersByTypeAfterSeq_AndLimits()
    {
        var history = new SessionHistory(new HistoryOptions());
        for (var seq = 1; seq <= 9; seq++)
        {
            history.Add(Event(seq, seq % 3 == 0 ? "c" : "d"));
        }

        var (events, hasMore) = history.Query(["d"], 2, 3);
        Assert.Equal([4L, 5, 7], events.Select(e => e.Seq));
        Assert.True(hasMore);
        Assert.Equal([9L], history.Query(["c"], 6, 10).Events.Select(e => e.Seq));
    }

    private static StoredEvent Event(long seq, string type, int size = 10) =>
        new(seq, type, Encoding.UTF8.GetBytes(new string('x', size)));
}
