namespace RapidTriage.Gateway.Connections;

/// <summary>
/// A per-connection token bucket: <c>perSecond</c> refill, <c>burst</c> capacity, in messages or in bytes. Also
/// tracks how long the connection has kept exceeding it, for the 1008 close. Used by one receive loop only.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _lastRefill;
    private long _streakStart;
    private long _lastLimited;

    public TokenBucket(double perSecond, double burst, TimeProvider time)
    {
        _perSecond = perSecond;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _lastRefill = time.GetTimestamp();
    }

    /// <summary>
    /// Takes <paramref name="amount"/> tokens; false when the connection is over its rate. An amount larger than the
    /// whole burst passes when the bucket is full and leaves it in debt, so a big frame is slowed, never barred.
    /// </summary>
    public bool TryTake(double amount = 1)
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_lastRefill, now).TotalSeconds * _perSecond));
        _lastRefill = now;
        if (_tokens >= Math.Min(amount, _burst))
        {
            _tokens -= amount;
            return true;
        }

        // A streak of refusals ends after a quiet second without one.
        if (_lastLimited == 0 || _time.GetElapsedTime(_lastLimited, now) > TimeSpan.FromSeconds(1))
        {
            _streakStart = now;
        }

        _lastLimited = now;
        return false;
    }

    /// <summary>How long the current streak of refusals has lasted.</summary>
    public TimeSpan LimitedFor => _lastLimited == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_streakStart, _lastLimited);
}
