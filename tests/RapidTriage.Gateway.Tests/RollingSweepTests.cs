using Microsoft.Extensions.Time.Testing;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// The renewal sweep's schedule on its own, with a fake clock: once per interval, spread evenly. The clock moves
/// a second at a time, as a fake clock's timers see the time it was moved to, not the moment they were due.
/// </summary>
public sealed class RollingSweepTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    [Fact]
    public void Sweep_SixItems_EachVisitedOncePerIntervalTenSecondsApart()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var visits = new List<(int Item, TimeSpan At)>();
        using var sweep = new RollingSweep<int>(() => [0, 1, 2, 3, 4, 5], i => visits.Add((i, time.GetUtcNow() - start)), Interval, time);

        sweep.Start();
        for (var second = 0; second < 179; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Three passes in 179 s: each item once per pass, item i at 10 s * i into it.
        var expected = Enumerable.Range(0, 3)
            .SelectMany(pass => Enumerable.Range(0, 6).Select(i => (i, TimeSpan.FromSeconds((pass * 60) + (i * 10)))))
            .ToList();
        Assert.Equal(expected, visits);
    }

    [Fact]
    public void Sweep_ItemAddedDuringAPass_VisitedFromTheNextPassOn()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var items = new List<string> { "a", "b" };
        var visits = new List<(string Item, TimeSpan At)>();
        using var sweep = new RollingSweep<string>(() => [.. items], s => visits.Add((s, time.GetUtcNow() - start)), Interval, time);

        sweep.Start();
        for (var second = 1; second <= 80; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            if (second == 10)
            {
                items.Add("c");
            }
        }

        Assert.Equal(
            [("a", TimeSpan.Zero), ("b", TimeSpan.FromSeconds(30)), ("a", TimeSpan.FromSeconds(60)), ("b", TimeSpan.FromSeconds(80))],
            visits);
    }

    [Fact]
    public void Sweep_NoItems_AsksForThemOncePerIntervalAndVisitsNothing()
    {
        var time = new FakeTimeProvider();
        var snapshots = 0;
        using var sweep = new RollingSweep<int>(() =>
        {
            snapshots++;
            return [];
        }, _ => Assert.Fail("nothing to visit"), Interval, time);

        sweep.Start();
        for (var second = 0; second < 600; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // 0, 60, ..., 600 s: an idle gateway wakes once a minute, not once a tick.
        Assert.Equal(11, snapshots);
    }

    [Fact]
    public void Sweep_Disposed_VisitsNothingMore()
    {
        var time = new FakeTimeProvider();
        var visits = 0;
        var sweep = new RollingSweep<int>(() => [1, 2], _ => visits++, Interval, time);
        sweep.Start();
        Assert.Equal(1, visits);

        sweep.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, visits);
    }
}
