using System.Diagnostics;

namespace RapidTriage.LoadGen;

/// <summary>
/// Sends numbered messages at a fixed rate: each goes when it is due (timer granularity about 1 ms, so a
/// tick sends what fell due since the last one); a sender that falls behind catches up in a burst, and a
/// run that cannot finish within its time limit stops early (its achieved rate then shows it).
/// </summary>
internal static class Pacer
{
    public static async Task<PacerResult> RunAsync(double rate, long total, Func<long, ValueTask> send, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var ticksPerMessage = Stopwatch.Frequency / rate;
        var deadline = start + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        long sent = 0;
        long maxLag = 0;
        while (sent < total)
        {
            var now = Stopwatch.GetTimestamp();
            if (now > deadline)
            {
                break;
            }

            var due = start + (long)(sent * ticksPerMessage);
            if (now < due)
            {
                await Task.Delay(1, cancellationToken);
                continue;
            }

            maxLag = Math.Max(maxLag, now - due);
            await send(sent);
            sent++;
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new PacerResult(sent, elapsed, maxLag * 1000.0 / Stopwatch.Frequency);
    }
}

/// <summary>What a paced run sent, in how long, and how late its latest message was (ms).</summary>
internal sealed record PacerResult(long Sent, double Seconds, double MaxLagMs);
