namespace RapidTriage.LoadGen.Scenarios;

/// <summary>
/// Scenario 2b: many sessions at once (default 1000 sessions of one producer and two consumers: three
/// connections each), all connected first, then driven at growing aggregate rates while everything is
/// delivered. Reports the highest rate with p99 under the limit and the highest rate delivered in full.
/// </summary>
internal static class SessionsScenario
{
    public static async Task<List<SessionsResult>> RunAsync(IReadOnlyList<Target> targets, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        var results = new List<SessionsResult>();
        foreach (var target in targets)
        {
            var consumers = settings.ConnectionsPerSession - 1;
            await using var group = await SessionGroup.ConnectAsync(target, settings.Sessions, consumers, settings.ConnectConcurrency, cancellationToken);
            Console.WriteLine($"sessions {target.Name}: {group.Connected} connections in {group.ConnectSeconds:0.00} s");
            var steps = new List<RunResult>();
            double passed = 0;
            double delivered = 0;
            foreach (var rate in settings.SessionRates)
            {
                // A step that fails is tried once more (if no socket was lost), so one stray pause does not end
                // the climb. The climb goes on while everything is delivered, even once p99 passes the limit.
                RunResult? best = null;
                for (var attempt = 0; attempt < 2 && best?.Pass != true && !group.Broken; attempt++)
                {
                    var result = await group.RunAsync("sessions", settings.Run, rate, probes.AllFor(target), cancellationToken);
                    Console.WriteLine(Format.Run(result));
                    steps.Add(result);
                    await Task.Delay(settings.Pause, cancellationToken);
                    best = best is null || result.Pass || (Delivered(result) && !Delivered(best)) ? result : best;
                }

                if (best is null || !Delivered(best))
                {
                    break;
                }

                delivered = rate;
                if (best.Pass)
                {
                    passed = rate;
                }
            }

            results.Add(new SessionsResult(target.Name, settings.Sessions, settings.ConnectionsPerSession, group.Connected,
                Math.Round(group.ConnectSeconds, 3), passed, steps, delivered));
        }

        return results;
    }

    /// <summary>Everything arrived, nothing closed, the producers kept to schedule: the rate was carried, whatever the latency.</summary>
    private static bool Delivered(RunResult r) =>
        r.Lost == 0 && r.ServerCloses.Count == 0 && r.Errors == 0 && r.AchievedRate >= r.OfferedRate * 0.97;
}
