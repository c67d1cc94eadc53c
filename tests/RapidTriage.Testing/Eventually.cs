namespace RapidTriage.Testing;

/// <summary>
/// Waits for something a test cannot await directly (a counter, a log line, a stored record, a metric, a tool's
/// answer) by checking it until a deadline, instead of sleeping a fixed time and hoping: fast when it happens at
/// once, and a clear failure naming what was awaited when it never does.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> past <paramref name="timeout"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> past <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        if (!await LatestAsync(condition, static held => held, timeout, cancellationToken))
        {
            throw new TimeoutException($"Not within {timeout}: {what}");
        }
    }

    /// <summary>
    /// Probes until <paramref name="done"/> accepts the value and returns it; past <paramref name="timeout"/> returns
    /// the last value probed, so that the caller's assertion shows what it was instead of a bare timeout.
    /// </summary>
    public static async Task<T> LatestAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }
}
