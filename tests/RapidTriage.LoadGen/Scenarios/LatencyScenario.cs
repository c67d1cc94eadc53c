namespace RapidTriage.LoadGen.Scenarios;

/// <summary>
/// Scenario 1: one producer and three consumers in one session at fixed rates; end-to-end percentiles.
/// Targets take turns at each rate so that background noise falls on all of them alike.
/// </summary>
internal static class LatencyScenario
{
    public static async Task<List<RunResult>> RunAsync(IReadOnlyList<Target> targets, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        var results = new List<RunResult>();
        foreach (var rate in settings.LatencyRates)
        {
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                foreach (var target in targets)
                {
                    await using var group = await SessionGroup.ConnectAsync(target, 1, settings.Consumers, 1, cancellationToken);
                    var result = await group.RunAsync("latency", settings.Run, rate, probes.AllFor(target), cancellationToken);
                    Console.WriteLine(Format.Run(result));
                    results.Add(result);
                    await Task.Delay(settings.Pause, cancellationToken);
                }
            }
        }

        return results;
    }
}
