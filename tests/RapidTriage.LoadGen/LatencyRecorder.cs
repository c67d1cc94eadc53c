using System.Diagnostics;

namespace RapidTriage.LoadGen;

/// <summary>
/// Collects end-to-end latencies of the messages numbered [<see cref="FirstN"/>, <see cref="EndN"/>) from
/// any number of receiving threads, without locks; exact percentiles come from sorting at the end.
/// </summary>
internal sealed class LatencyRecorder(long firstN, long endN, int receivers)
{
    private readonly long[] _nanos = new long[checked((int)Math.Min((endN - firstN) * receivers + 1024, 64_000_000))];
    private int _count;
    private int _outOfOrder;

    public long FirstN { get; } = firstN;

    public long EndN { get; } = endN;

    public int Count => Math.Min(Volatile.Read(ref _count), _nanos.Length);

    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>Records a frame written by <see cref="Payload"/>; other frames are ignored. Returns its number or -1.</summary>
    public long Record(ReadOnlySpan<byte> frame, long receivedAt)
    {
        if (!Payload.TryRead(frame, out var sentAt, out var n))
        {
            return -1;
        }

        if (n >= FirstN && n < EndN)
        {
            var at = Interlocked.Increment(ref _count) - 1;
            if (at < _nanos.Length)
            {
                _nanos[at] = (long)((receivedAt - sentAt) * (1e9 / Stopwatch.Frequency));
            }
        }

        return n;
    }

    public void CountOutOfOrder() => Interlocked.Increment(ref _outOfOrder);

    public LatencySummary Summarize()
    {
        var count = Count;
        var values = _nanos.AsSpan(0, count);
        values.Sort();
        return new LatencySummary(
            count,
            Micros(values, 0.50),
            Micros(values, 0.90),
            Micros(values, 0.99),
            Micros(values, 0.999),
            count == 0 ? 0 : values[^1] / 1000.0);
    }

    private static double Micros(ReadOnlySpan<long> sorted, double quantile)
    {
        if (sorted.IsEmpty)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)] / 1000.0;
    }
}

/// <summary>Latency percentiles in microseconds.</summary>
internal sealed record LatencySummary(int Samples, double P50Us, double P90Us, double P99Us, double P999Us, double MaxUs);
