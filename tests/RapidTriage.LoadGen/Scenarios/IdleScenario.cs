using System.Diagnostics;

namespace RapidTriage.LoadGen.Scenarios;

/// <summary>
/// Idle sessions: many sessions of two connections each (a producer on the first gateway, a consumer on the second),
/// connected and then left alone. After a settle time (at least <see cref="SuiteSettings.IdleSettle"/>, then until
/// the processes stop compiling code), two steady windows measure what existing costs: CPU of every process as a
/// percentage of one core, first with the runtime-counter sessions attached (for the code compiled meanwhile), then
/// without them (the figure reported, with storage operations per second). The CPU of the settle is reported beside it. Memory: after a full GC with the sessions
/// open minus before they connected, the silos' per session and the gateways' per connection.
/// Runs against targets that speak the relay protocol and name their processes' roles.
/// </summary>
internal static class IdleScenario
{
    private const int WarmUpSessions = 50;

    public static async Task<List<IdleResult>> RunAsync(IReadOnlyList<Target> targets, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        var results = new List<IdleResult>();
        foreach (var target in targets.Where(t => t.RelayProtocol && t.Roles.Count > 0))
        {
            try
            {
                results.Add(await RunOneAsync(target, settings, probes, cancellationToken));
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or HttpRequestException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The other scenarios' results are still written; the report then has no idle figures.
                Console.WriteLine($"idle {target.Name}: the sessions could not connect ({ex.Message}); no idle result");
            }
        }

        return results;
    }

    private static async Task<IdleResult> RunOneAsync(Target target, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        // Code compiled and pools filled on first use are not counted per session.
        await using (await SessionGroup.ConnectAsync(target, WarmUpSessions, 1, settings.ConnectConcurrency, cancellationToken))
        {
        }

        await Task.Delay(settings.Settle, cancellationToken);
        var before = await MemoryAsync(target, probes);
        await using var group = await SessionGroup.ConnectAsync(target, settings.IdleSessions, 1, settings.ConnectConcurrency, cancellationToken);
        Console.WriteLine($"idle {target.Name}: {settings.IdleSessions} sessions, {group.Connected} connections in {group.ConnectSeconds:0.00} s; settling");
        var settleStarted = Stopwatch.GetTimestamp();
        var settleCpu = ProcessProbe.CpuSeconds(target.Pids);
        await Task.Delay(settings.IdleSettle, cancellationToken);
        var each = probes.Each(target);
        await SettleCompilationAsync(each, settings, settleStarted, cancellationToken);
        var settleSeconds = Stopwatch.GetElapsedTime(settleStarted).TotalSeconds;
        var settleUsed = ProcessProbe.CpuSeconds(target.Pids) - settleCpu;
        Console.WriteLine($"idle {target.Name}: settled after {settleSeconds:0} s ({Percent(settleUsed, settleSeconds)}% of a core meanwhile)");

        var gateways = target.PidsOf(Target.GatewayRole);
        var silos = target.PidsOf(Target.SiloRole);
        var load = ProcessProbe.LoadAverage();

        // First window: with the counter sessions attached, for the code compiled in it.
        var observedCpu = ProcessProbe.CpuSeconds(target.Pids);
        var jitBefore = JitMilliseconds(each);
        var observedStarted = Stopwatch.GetTimestamp();
        await Task.Delay(settings.IdleWindow, cancellationToken);
        var jitInWindow = JitMilliseconds(each) - jitBefore;
        var observedUsed = ProcessProbe.CpuSeconds(target.Pids) - observedCpu;
        var observedSeconds = Stopwatch.GetElapsedTime(observedStarted).TotalSeconds;

        // Second window, the one reported: CPU from /proc only, with no counter session running in the processes.
        await probes.PauseAsync(target);
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var storageBefore = await StorageProbe.SnapshotAsync(target, cancellationToken);
        var all = ProcessProbe.CpuSeconds(target.Pids);
        var gatewayCpu = ProcessProbe.CpuSeconds(gateways);
        var siloCpu = ProcessProbe.CpuSeconds(silos);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(settings.IdleWindow, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var allUsed = ProcessProbe.CpuSeconds(target.Pids) - all;
        var gatewayUsed = ProcessProbe.CpuSeconds(gateways) - gatewayCpu;
        var siloUsed = ProcessProbe.CpuSeconds(silos) - siloCpu;
        var storageAfter = await StorageProbe.SnapshotAsync(target, cancellationToken);
        var closed = group.ClosedByServer;
        probes.Resume(target);

        var after = await MemoryAsync(target, probes);
        var connections = group.Connected;
        var result = new IdleResult(
            target.Name, settings.IdleSessions, 2, connections, Math.Round(group.ConnectSeconds, 2),
            Math.Round(settleSeconds), Math.Round(seconds, 2),
            Percent(allUsed, seconds), Percent(gatewayUsed, seconds), Percent(siloUsed, seconds),
            StorageProbe.Rates(storageBefore, storageAfter, seconds, 0),
            Per(before.SiloHeap, after.SiloHeap, settings.IdleSessions),
            Per(before.SiloRss, after.SiloRss, settings.IdleSessions),
            Per(before.GatewayHeap, after.GatewayHeap, connections),
            Per(before.GatewayRss, after.GatewayRss, connections),
            closed,
            load,
            Percent(settleUsed, settleSeconds),
            jitInWindow is { } jit ? Math.Round(jit) : null,
            Percent(observedUsed, observedSeconds));
        Console.WriteLine($"idle {target.Name}: cpu {result.CpuPercent}% of a core (gateways {result.GatewayCpuPercent}%, silos {result.SiloCpuPercent}%; " +
            $"{result.CpuPercentWithCounters}% with the counter sessions attached), " +
            $"storage {result.Storage?.OpsPerSecond} ops/s ({result.Storage?.WritesPerSecond} writes/s), silo heap/session {result.SiloHeapBytesPerSession} B, " +
            $"gateway rss/connection {result.GatewayRssBytesPerConnection} B, closed {closed}");
        if (settings.Hold > TimeSpan.Zero)
        {
            // Time to profile or dump the processes with the sessions still open.
            Console.WriteLine($"idle {target.Name}: holding {connections} connections for {settings.Hold.TotalSeconds:0} s");
            await Task.Delay(settings.Hold, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Waits until the processes together spent at most 20 ms compiling over the last <see cref="SuiteSettings.JitQuiet"/>
    /// (the runtime's <c>time-in-jit</c> counter), or until <see cref="SuiteSettings.IdleSettleMax"/> after
    /// <paramref name="settleStarted"/>. Without counters from every process it returns at once.
    /// </summary>
    private static async Task SettleCompilationAsync(IReadOnlyList<CounterProbe?> each, SuiteSettings settings, long settleStarted, CancellationToken cancellationToken)
    {
        var step = TimeSpan.FromSeconds(5);
        var window = new Queue<double>();
        var steps = Math.Max(1, (int)Math.Ceiling(settings.JitQuiet / step));
        while (JitMilliseconds(each) is { } jit && Stopwatch.GetElapsedTime(settleStarted) < settings.IdleSettleMax)
        {
            window.Enqueue(jit);
            if (window.Count > steps)
            {
                window.Dequeue();
                if (jit - window.Peek() <= 20)
                {
                    return;
                }
            }

            await Task.Delay(step, cancellationToken);
        }
    }

    /// <summary>Milliseconds all the processes have spent compiling since their probes started, or null when any one is unknown.</summary>
    private static double? JitMilliseconds(IReadOnlyList<CounterProbe?> each)
    {
        double total = 0;
        foreach (var probe in each)
        {
            if (probe?.Total("time-in-jit") is not { } ms)
            {
                return null;
            }

            total += ms;
        }

        return each.Count == 0 ? null : total;
    }

    private static double? Percent(double? cpuSeconds, double seconds) => cpuSeconds is { } used ? Math.Round(used / seconds * 100, 2) : null;

    private static double? Per(double? before, double? after, int count) =>
        before is { } b && after is { } a && count > 0 ? Math.Round((a - b) / count) : null;

    /// <summary>GC heap (after a full GC each process is asked to run) and resident set, summed per role.</summary>
    private static async Task<Memory> MemoryAsync(Target target, Probes probes)
    {
        await Task.WhenAll(target.Pids.Select(pid => CounterProbe.InduceGcAsync(pid)));
        var each = probes.Each(target);
        await Task.WhenAll(each.Where(p => p is not null).Select(p => p!.WaitForReportsAsync(2, TimeSpan.FromSeconds(5))));
        double? Heap(string role) => Sum(target, role, i => each.Count > i && each[i]?.Latest("gc-heap-size") is { } mb ? mb * 1e6 : null);
        double? Rss(string role) => Sum(target, role, i => ProcessProbe.ResidentBytes(target.Pids[i]));
        return new Memory(Heap(Target.SiloRole), Rss(Target.SiloRole), Heap(Target.GatewayRole), Rss(Target.GatewayRole));
    }

    /// <summary>The sum over the processes of <paramref name="role"/>, or null when any one is unknown.</summary>
    private static double? Sum(Target target, string role, Func<int, double?> value)
    {
        double? total = null;
        for (var i = 0; i < target.Pids.Count && i < target.Roles.Count; i++)
        {
            if (target.Roles[i] != role)
            {
                continue;
            }

            if (value(i) is not { } v)
            {
                return null;
            }

            total = (total ?? 0) + v;
        }

        return total;
    }

    private sealed record Memory(double? SiloHeap, double? SiloRss, double? GatewayHeap, double? GatewayRss);
}
