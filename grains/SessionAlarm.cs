namespace RapidTriage.Grains;

/// <summary>
/// A one-shot grain timer that exists only while armed: a session with nothing waiting for time holds no timer.
/// Arming an armed alarm moves it.
/// </summary>
internal sealed class SessionAlarm(IGrainBase grain, Func<Task> callback)
{
    private IGrainTimer? _timer;

    public bool Armed => _timer is not null;

    public void Arm(TimeSpan due)
    {
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
        if (_timer is null)
        {
            _timer = grain.RegisterGrainTimer(FireAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = false });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    public void Disarm()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private Task FireAsync(CancellationToken cancellationToken)
    {
        Disarm();
        return callback();
    }
}
