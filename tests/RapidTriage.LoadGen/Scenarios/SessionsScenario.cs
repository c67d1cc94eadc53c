namespace RapidTriage.LoadGen.Scenarios;

/// <summary>
/// Scenario 2b: many sessions at once (default 1000 sessions of one producer and two consumers: three
/// connections each), all connected first, then driven at growing aggregate rates until a step fails.
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
            foreach (var rate in settings.SessionRates)
            {
                // A failed step is tried once more (if no socket was lost), so one stray pause does not end the climb.
                var pass = false;
                for (var attempt = 0; attempt < 2 && !pass && !group.Broken; attempt++)
                {
                    var result = await group.RunAsync("sessions", settings.Run, rate, probes.For(target), cancellationToken);
                    Console.WriteLine(Format.Run(result));
                    steps.Add(result);
                    await Task.Delay(settings.Pause, cancellationToken);
                    pass = result.Pass;
                }

                if (!pass)
                {
                    break;
                }

                passed = rate;
            }

            results.Add(new SessionsResult(target.Name, settings.Sessions, settings.ConnectionsPerSession, group.Connected,
                Math.Round(group.ConnectSeconds, 3), passed, steps));
        }

        return results;
    }
}
