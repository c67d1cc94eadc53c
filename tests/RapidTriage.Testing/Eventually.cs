namespace RapidTriage.Testing;

/// <summary>
/// Waits for something a test cannot await directly (a counter, a log line, a file, a metric) by checking it
/// until a deadline, instead of sleeping a fixed time and hoping: fast when it happens at once, and a clear
/// failure naming what was awaited when it never does.
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
        await ValueAsync(async () => await condition() ? true : (bool?)null, timeout, what, cancellationToken);
    }

    /// <summary>
    /// Returns the first non-null value <paramref name="probe"/> gives; throws <see cref="TimeoutException"/> past
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
        where T : struct
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Not within {timeout}: {what}");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }
}
