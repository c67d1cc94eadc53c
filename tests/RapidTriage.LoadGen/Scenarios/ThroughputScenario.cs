namespace RapidTriage.LoadGen.Scenarios;

/// <summary>
/// Scenario 2a: the highest rate one session (one producer, three consumers) sustains with p99 under the
/// limit, nothing lost and nothing closed. Doubles the rate until two rates in a row fail (a failed step is
/// tried once more, so that one stray pause does not end the search), then bisects above the last pass.
/// </summary>
internal static class ThroughputScenario
{
    public static async Task<List<ThroughputResult>> RunAsync(IReadOnlyList<Target> targets, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        var results = new List<ThroughputResult>();
        foreach (var target in targets)
        {
            var steps = new List<RunResult>();
            double passed = 0;
            double? failed = null;
            var failuresInARow = 0;
            for (var rate = settings.ThroughputStart; rate <= settings.ThroughputMax && failuresInARow < 2; rate *= 2)
            {
                // Two failed rates in a row end the doubling: one, even after its retry, may be a noisy neighbour.
                if (await StepAsync(target, rate, settings, probes, steps, cancellationToken))
                {
                    passed = rate;
                    failed = null;
                    failuresInARow = 0;
                }
                else
                {
                    failed ??= rate;
                    failuresInARow++;
                }
            }

            for (var i = 0; failed is { } high && i < settings.ThroughputBisections; i++)
            {
                var mid = Math.Round((passed + high) / 2 / 100) * 100;
                if (mid <= passed || mid >= high)
                {
                    break;
                }

                if (await StepAsync(target, mid, settings, probes, steps, cancellationToken))
                {
                    passed = mid;
                }
                else
                {
                    failed = mid;
                }
            }

            Console.WriteLine($"throughput {target.Name}: max sustained {passed:0} msg/s");
            results.Add(new ThroughputResult(target.Name, settings.Run.P99LimitMs, passed, steps));
        }

        return results;
    }

    private static async Task<bool> StepAsync(Target target, double rate, SuiteSettings settings, Probes probes, List<RunResult> steps, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var group = await SessionGroup.ConnectAsync(target, 1, settings.Consumers, 1, cancellationToken);
            var result = await group.RunAsync("throughput", settings.ThroughputRun, rate, probes.AllFor(target), cancellationToken);
            Console.WriteLine(Format.Run(result));
            steps.Add(result);
            await Task.Delay(settings.Pause, cancellationToken);
            if (result.Pass)
            {
                return true;
            }
        }

        return false;
    }
}
