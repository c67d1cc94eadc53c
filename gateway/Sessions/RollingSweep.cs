namespace RapidTriage.Gateway.Sessions;

/// <summary>
/// Visits every item once per <c>interval</c>, spread evenly over it: a pass takes a snapshot of the items and
/// visits item <c>i</c> of <c>n</c> at <c>i * interval / n</c> after the pass began, so a thousand items are a
/// steady trickle, not a burst at the same instant. Items that appear during a pass wait for the next one. One
/// timer serves every item, re-armed for the next visit; an item costs nothing between its visits.
/// </summary>
/// <typeparam name="T">What is visited.</typeparam>
/// <param name="snapshot">The items of a new pass, in a stable order (so an item keeps its place from pass to pass).</param>
/// <param name="visit">Called on the timer's thread; must only start work, never wait for it.</param>
/// <param name="interval">How long one pass lasts.</param>
/// <param name="time">The clock.</param>
internal sealed class RollingSweep<T>(Func<IReadOnlyList<T>> snapshot, Action<T> visit, TimeSpan interval, TimeProvider time) : IDisposable
{
    /// <summary>Visits due within this of each other share one wake-up (at 10,000 sessions a minute: about 8 each).</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private IReadOnlyList<T> _pass = [];
    private DateTimeOffset _passStart;
    private int _next;
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>Starts the first pass now (its first items are visited on the caller's thread).</summary>
    public void Start()
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The sweep's interval must be positive.");
        }

        lock (_gate)
        {
            if (_disposed || _timer is not null)
            {
                return;
            }

            _timer = time.CreateTimer(static state => ((RollingSweep<T>)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _passStart = time.GetUtcNow() - interval;
        }

        Tick();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Tick()
    {
        var due = new List<T>();
        lock (_gate)
        {
            if (_timer is null)
            {
                return;
            }

            var now = time.GetUtcNow();
            while (true)
            {
                if (_next >= _pass.Count)
                {
                    if (now < _passStart + interval)
                    {
                        break;
                    }

                    _pass = snapshot();
                    _passStart = now;
                    _next = 0;
                    if (_pass.Count == 0)
                    {
                        break;
                    }
                }

                if (DueLocked(_next) > now + Coalesce)
                {
                    break;
                }

                due.Add(_pass[_next++]);
            }

            // Always in the future here: the next item is due after now + Coalesce, or the next pass after now.
            var at = _next < _pass.Count ? DueLocked(_next) : _passStart + interval;
            _timer.Change(at - now, Timeout.InfiniteTimeSpan);
        }

        foreach (var item in due)
        {
            visit(item);
        }
    }

    /// <summary>When item <paramref name="index"/> of the current pass is due.</summary>
    private DateTimeOffset DueLocked(int index) => _passStart + (interval * index / _pass.Count);
}
