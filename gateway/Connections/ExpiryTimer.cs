namespace RapidTriage.Gateway.Connections;

/// <summary>
/// Runs an action at a moment, however far away: a timer's due time is capped (about 24.8 days for a
/// <see cref="CancellationTokenSource"/>, 49.7 for a timer), so a longer wait is armed in steps of at most
/// <see cref="MaxStep"/>, each checking the clock again. Used for token expiry; one per connection.
/// </summary>
internal sealed class ExpiryTimer(TimeProvider time, Action expired) : IDisposable
{
    /// <summary>The longest single wait armed at once.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(20);

    private readonly Lock _gate = new();
    private ITimer? _timer;
    private DateTimeOffset _at;
    private int _version;

    /// <summary>Runs the action at <paramref name="at"/> (at once when it is past), replacing any earlier schedule; null or <see cref="DateTimeOffset.MaxValue"/>: never.</summary>
    public void Schedule(DateTimeOffset? at)
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            var version = ++_version;
            if (at is not { } when || when == DateTimeOffset.MaxValue)
            {
                return;
            }

            _at = when;
            ArmLocked(version);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _version++;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void ArmLocked(int version)
    {
        var due = _at - time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        _timer = time.CreateTimer(static state =>
        {
            var (owner, version) = ((ExpiryTimer, int))state!;
            owner.Fired(version);
        }, (this, version), due > MaxStep ? MaxStep : due, Timeout.InfiniteTimeSpan);
    }

    private void Fired(int version)
    {
        lock (_gate)
        {
            if (version != _version)
            {
                return;
            }

            if (_at > time.GetUtcNow())
            {
                _timer?.Dispose();
                ArmLocked(version);
                return;
            }

            _version++;
        }

        expired();
    }
}
