using System.Diagnostics;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// A per-connection token bucket: <c>permitsPerSecond</c> refill, <c>burst</c> capacity. Also tracks how
/// long the connection has kept exceeding it, for the 1008 close. Used by one receive loop only.
/// </summary>
internal sealed class TokenBucket(double permitsPerSecond, int burst)
{
    private double _tokens = burst;
    private long _lastRefill = Stopwatch.GetTimestamp();
    private long _streakStart;
    private long _lastLimited;

    /// <summary>Takes a permit; false when the connection is over its rate.</summary>
    public bool TryTake()
    {
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (Stopwatch.GetElapsedTime(_lastRefill, now).TotalSeconds * permitsPerSecond));
        _lastRefill = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        // A streak of refusals ends after a quiet second without one.
        if (_lastLimited == 0 || Stopwatch.GetElapsedTime(_lastLimited, now) > TimeSpan.FromSeconds(1))
        {
            _streakStart = now;
        }

        _lastLimited = now;
        return false;
    }

    /// <summary>How long the current streak of refusals has lasted.</summary>
    public TimeSpan LimitedFor => _lastLimited == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_streakStart, _lastLimited);
}
