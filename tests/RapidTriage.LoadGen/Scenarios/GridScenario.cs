namespace RapidTriage.LoadGen.Scenarios;

/// <summary>
/// The sessions x rate grid: for each session count, that many sessions of one producer and one consumer (in cluster
/// mode on different gateways) connect, then run at each aggregate rate in turn. Every cell reports latency, what was
/// lost, CPU per message (all processes, and per role when known) and the silos' storage operations.
/// </summary>
internal static class GridScenario
{
    public static async Task<List<GridResult>> RunAsync(IReadOnlyList<Target> targets, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        var results = new List<GridResult>();
        foreach (var target in targets)
        {
            // Warm-up, not measured: on fresh servers the first seconds of load also pay for compiling code (tiered JIT).
            await using (var warm = await ConnectAsync(target, 1, settings, cancellationToken))
            {
                if (warm is not null)
                {
                    await warm.RunAsync("warm-up", settings.GridRun with { WarmupSeconds = 0, DurationSeconds = 3 }, 2000, [], cancellationToken);
                }
            }

            foreach (var sessions in settings.GridSessions)
            {
                await using var group = await ConnectAsync(target, sessions, settings, cancellationToken);
                if (group is null)
                {
                    continue;
                }

                Console.WriteLine($"grid {target.Name}: {sessions} sessions, {group.Connected} connections in {group.ConnectSeconds:0.00} s");
                foreach (var rate in settings.GridRates)
                {
                    if (group.Broken)
                    {
                        Console.WriteLine($"grid {target.Name}: {sessions} sessions: a socket was closed; the remaining rates are skipped");
                        break;
                    }

                    results.Add(await RunCellAsync(target, group, sessions, rate, settings, probes, cancellationToken));
                    await Task.Delay(settings.Pause, cancellationToken);
                }
            }
        }

        return results;
    }

    /// <summary>The connected sessions, or null (said on the console) when the server refused some: the other cells still run.</summary>
    private static async Task<SessionGroup?> ConnectAsync(Target target, int sessions, SuiteSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await SessionGroup.ConnectAsync(target, sessions, 1, settings.ConnectConcurrency, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or HttpRequestException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Console.WriteLine($"grid {target.Name}: {sessions} sessions could not connect ({ex.Message}); those cells are missing");
            return null;
        }
    }

    private static async Task<GridResult> RunCellAsync(
        Target target, SessionGroup group, int sessions, double rate, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        var gateways = target.PidsOf(Target.GatewayRole);
        var silos = target.PidsOf(Target.SiloRole);
        var storageBefore = await StorageProbe.SnapshotAsync(target, cancellationToken);
        var gatewayCpu = ProcessProbe.CpuSeconds(gateways);
        var siloCpu = ProcessProbe.CpuSeconds(silos);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var run = await group.RunAsync("grid", settings.GridRun, rate, probes.AllFor(target), cancellationToken);
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var gatewayUsed = ProcessProbe.CpuSeconds(gateways) - gatewayCpu;
        var siloUsed = ProcessProbe.CpuSeconds(silos) - siloCpu;
        var storageAfter = await StorageProbe.SnapshotAsync(target, cancellationToken);
        var result = new GridResult(
            target.Name, sessions, rate, run,
            PerMessage(gatewayUsed, run.Sent),
            PerMessage(siloUsed, run.Sent),
            StorageProbe.Rates(storageBefore, storageAfter, seconds, run.Sent));
        Console.WriteLine($"{Format.Run(run)} | gateways {result.GatewayCpuUsPerMessage} µs/msg, silos {result.SiloCpuUsPerMessage} µs/msg, storage {result.Storage?.OpsPerSecond} ops/s");
        return result;
    }

    private static double? PerMessage(double? cpuSeconds, long messages) =>
        cpuSeconds is { } used && messages > 0 ? Math.Round(used * 1e6 / messages, 2) : null;
}
