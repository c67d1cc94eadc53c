namespace RapidTriage.Grains.Tests;

public sealed class FlushBudgetTests
{
    [Theory]
    [InlineData(1, 1_000)]      // a lone dirty session: the shortest interval, FlushInterval
    [InlineData(25, 1_000)]     // exactly the budget: one write per second each
    [InlineData(125, 5_000)]    // five times the budget: each waits five seconds
    [InlineData(5_000, 10_000)] // beyond budget x MaxFlushInterval: capped, the loss window stays bounded
    public void IntervalFor_DirtySessions_IsTheirShareOfTheBudget_Clamped(int dirty, int expectedMs)
    {
        var options = new HistoryOptions();
        Assert.Equal((25, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), (options.FlushBudget, options.FlushInterval, options.MaxFlushInterval));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), FlushBudget.IntervalFor(dirty, options));
    }

    [Fact]
    public void IntervalFor_WritesOnlyOnDeactivation_Never()
    {
        var options = new HistoryOptions { FlushInterval = TimeSpan.MaxValue };

        Assert.Equal(TimeSpan.MaxValue, FlushBudget.IntervalFor(1_000, options));
    }
}
