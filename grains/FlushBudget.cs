using Microsoft.Extensions.Options;

namespace RapidTriage.Grains;

/// <summary>
/// One per silo: how many sessions on it have history waiting to be written, and from that how long each waits
/// between writes so that all of them together stay near <see cref="HistoryOptions.FlushBudget"/> writes per
/// second: <c>clamp(dirty sessions / budget, FlushInterval, MaxFlushInterval)</c>.
/// </summary>
internal sealed class FlushBudget(IOptions<SessionOptions> options)
{
    private readonly HistoryOptions _options = options.Value.History;
    private int _dirty;

    /// <summary>Sessions on this silo with history not yet written.</summary>
    public int DirtySessions => Volatile.Read(ref _dirty);

    /// <summary>The time a dirty session waits from its last write to its next.</summary>
    public TimeSpan Interval => IntervalFor(DirtySessions, _options);

    public void Dirtied() => Interlocked.Increment(ref _dirty);

    public void Cleaned() => Interlocked.Decrement(ref _dirty);

    /// <summary>
    /// The interval for <paramref name="dirtySessions"/>: their share of the budget, never under
    /// <see cref="HistoryOptions.FlushInterval"/> nor over <see cref="HistoryOptions.MaxFlushInterval"/>.
    /// <see cref="TimeSpan.MaxValue"/> when history is written only on deactivation.
    /// </summary>
    public static TimeSpan IntervalFor(int dirtySessions, HistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FlushInterval == TimeSpan.MaxValue)
        {
            return TimeSpan.MaxValue;
        }

        var share = TimeSpan.FromSeconds(Math.Max(dirtySessions, 1) / (double)Math.Max(options.FlushBudget, 1));
        var max = options.MaxFlushInterval < options.FlushInterval ? options.FlushInterval : options.MaxFlushInterval;
        return share < options.FlushInterval ? options.FlushInterval : share > max ? max : share;
    }
}
