using System.Text;

namespace RapidTriage.LoadGen.Report;

/// <summary>The hosted-scale parts of the report: the sessions x rate grid, idle sessions, and their goals.</summary>
internal static partial class ReportWriter
{
    private const double ManySessionsP99GoalMs = 10;
    private const double ManySessionsFastP99GoalMs = 25;
    private const double OneSessionP99GoalMs = 5;
    private const double IdleCpuGoalPercent = 3;
    private const double LocalRatioGoal = 1.5;
    private const double IdleConnectionGoalKiB = 16;

    private static void WriteScaleGoals(StringBuilder md, SuiteResults local, SuiteResults? cluster)
    {
        if (cluster is not null)
        {
            GridGoal(md, cluster, ScaleFigures.GoalSessions, 1000, ManySessionsP99GoalMs);
            GridGoal(md, cluster, ScaleFigures.GoalSessions, 4000, ManySessionsFastP99GoalMs);
            GridGoal(md, cluster, 1, 1000, OneSessionP99GoalMs);
            if (ScaleFigures.Idle(cluster) is { } idle)
            {
                // Session state is in blobs; the table writes are the silos' membership heartbeats, there with no sessions at all.
                var writes = idle.Storage is null ? (double?)null : ScaleFigures.SessionStorage(idle.Storage).Writes;
                var met = idle.CpuPercent < IdleCpuGoalPercent && writes == 0 && idle.ClosedByServer == 0;
                Line(md, $"| cluster: {idle.Sessions:N0} idle sessions (2 connections each) < {IdleCpuGoalPercent} % of one core, 0 session-state (blob) writes/s | {Pct2(idle.CpuPercent)}, {Num(writes)} blob writes/s (membership table: {Num(ScaleFigures.MembershipStorage(idle.Storage))} ops/s) | - | - | {Met(met)} |");
            }
        }

        // Local mode: the worst relay/baseline p99 ratio over the measured rates from 1k to 10k msg/s.
        var ratios = Figures.LatencyRates(local).Where(rate => rate is >= 1000 and <= 10000)
            .Select(rate => (Rate: rate, Ratio: Figures.Ratio(Figures.Latency(local, Figures.Relay, rate)?.Latency.P99Us, Figures.Latency(local, Figures.Baseline, rate)?.Latency.P99Us)))
            .Where(x => x.Ratio is not null).ToList();
        if (ratios.Count > 0)
        {
            var worst = ratios.MaxBy(x => x.Ratio!.Value);
            Line(md, $"| local: p99 <= {LocalRatioGoal}x baseline at 1k-10k msg/s (worst rate) | {Ms(Figures.Latency(local, Figures.Relay, worst.Rate)?.Latency.P99Us)} at {Rate(worst.Rate)} | {Ms(Figures.Latency(local, Figures.Baseline, worst.Rate)?.Latency.P99Us)} | {X(worst.Ratio)} | {Met(worst.Ratio <= LocalRatioGoal)} |");
        }

        if (Figures.Connections(local, Figures.Relay) is { RssBytesPerConnection: { } rss } connections)
        {
            var baseline = Figures.Connections(local, Figures.Baseline)?.RssBytesPerConnection;
            Line(md, $"| local: {connections.Requested:N0} idle connections <= {IdleConnectionGoalKiB} KiB each (resident set) | {KiB(rss)} | {KiB(baseline)} | {X(Figures.Ratio(rss, baseline))} | {Met(rss / 1024 <= IdleConnectionGoalKiB && connections.Failed == 0)} |");
        }
    }

    private static void GridGoal(StringBuilder md, SuiteResults cluster, int sessions, double rate, double goalMs)
    {
        if (ScaleFigures.Cell(cluster, Figures.Relay, sessions, rate) is not { } cell)
        {
            return;
        }

        var baseline = ScaleFigures.Cell(cluster, Figures.Baseline, cell.Sessions, rate);
        var measured = cell.Sessions == sessions ? "" : $" ({cell.Sessions} measured)";
        var met = cell.Run.Latency.P99Us / 1000 <= goalMs && cell.Run.Lost == 0 && cell.Run.ServerCloses.Count == 0;
        Line(md, $"| cluster: {sessions} session{(sessions == 1 ? "" : "s")}{measured} at {Rate(rate)}: p99 <= {goalMs} ms, nothing lost | {Ms(cell.Run.Latency.P99Us)}, lost {cell.Run.Lost} | {Ms(baseline?.Run.Latency.P99Us)} | {X(Figures.Ratio(cell.Run.Latency.P99Us, baseline?.Run.Latency.P99Us))} | {Met(met)} |");
    }

    private static void WriteGrid(StringBuilder md, SuiteResults cluster)
    {
        var grid = cluster.Grid ?? [];
        if (grid.Count == 0)
        {
            return;
        }

        Line(md, "### Sessions x rate grid");
        Line(md);
        Line(md, "Each session: one producer on gateway 1, one consumer on gateway 2; message n goes out through session n mod sessions,");
        Line(md, "so the rate is the total over all sessions. Relay and baseline in the same run, one after the other. CPU per message is");
        Line(md, "user+system time over the run (warm-up and drain included) per message sent: all relay processes, then the two gateways and");
        Line(md, "the two silos apart. Storage operations are counted by the silos over the same time (every request and retry).");
        Line(md);
        Line(md, "| sessions | rate | target | achieved | p50 | p99 | p99.9 | lost | closes | CPU/msg | gateways CPU/msg | silos CPU/msg | storage ops/s | storage writes/s | storage ops/msg | p99 vs baseline | load average |");
        Line(md, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var cell in grid.OrderBy(c => c.Sessions).ThenBy(c => c.OfferedRate).ThenBy(c => c.Target == Figures.Relay ? 0 : 1))
        {
            var r = cell.Run;
            var baseline = ScaleFigures.Cell(cluster, Figures.Baseline, cell.Sessions, cell.OfferedRate);
            var ratio = cell.Target == Figures.Baseline ? "1" : X(Figures.Ratio(r.Latency.P99Us, baseline?.Run.Latency.P99Us));
            Line(md, $"| {cell.Sessions:N0} | {Rate(cell.OfferedRate)} | {cell.Target} | {Rate(r.AchievedRate)} | {Ms(r.Latency.P50Us)} | {Ms(r.Latency.P99Us)} | {Ms(r.Latency.P999Us)} | {r.Lost} | {r.ServerCloses.Count} | {Us(r.ServerCpuUsPerMessage)} | {Us(cell.GatewayCpuUsPerMessage)} | {Us(cell.SiloCpuUsPerMessage)} | {Num(cell.Storage?.OpsPerSecond)} | {Num(cell.Storage?.WritesPerSecond)} | {Num(cell.Storage?.OpsPerMessage, "0.####")} | {ratio} | {Load(r.LoadAverage)} |");
        }

        Line(md);
        var kinds = grid.Where(c => c.Storage is not null).ToList();
        if (kinds.Count > 0)
        {
            Line(md, "Storage operations per second by service and method (relay cells):");
            Line(md);
            foreach (var cell in kinds)
            {
                Line(md, $"- {cell.Sessions:N0} sessions at {Rate(cell.OfferedRate)}: {ByKind(cell.Storage!)}");
            }

            Line(md);
        }
    }

    private static void WriteIdle(StringBuilder md, SuiteResults cluster)
    {
        var idle = cluster.Idle ?? [];
        if (idle.Count == 0)
        {
            return;
        }

        Line(md, "### Idle sessions");
        Line(md);
        Line(md, "Sessions of two connections each (producer on gateway 1, consumer on gateway 2), connected and then left alone. The");
        Line(md, "settle lasts until the relay processes stop compiling code (their `time-in-jit` counters together grow by at most");
        Line(md, "20 ms in 30 s; at least 20 s, at most 5 minutes): freshly started processes recompile the code their timers run for");
        Line(md, "minutes, a start-up cost shown as \"CPU while settling\". Then two steady windows measure CPU (user+system time of each");
        Line(md, "process over the window; 100 % = one core): the first with the generator's runtime-counter sessions attached (they");
        Line(md, "give the code compiled in it), the second, reported per role and with the storage operations the silos send, without");
        Line(md, "them, so that none of the counters' cost is counted as the relay's. Memory: after a full GC with the");
        Line(md, "sessions open minus before they connected, summed over the two silos per session and over the two gateways per connection.");
        Line(md);
        Line(md, "| sessions | connected | connect time | settle | CPU while settling | window | CPU, all (% of a core) | with counters attached | compiling in that window | gateways | silos | storage ops/s | storage writes/s | silo heap/session | silo RSS/session | gateway heap/conn | gateway RSS/conn | closed | load average |");
        Line(md, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var i in idle)
        {
            Line(md, $"| {i.Sessions:N0} | {i.Connected:N0} | {i.ConnectSeconds:0.0} s | {i.SettleSeconds:0} s | {Pct2(i.SettleCpuPercent)} | {i.WindowSeconds:0} s | {Pct2(i.CpuPercent)} | {Pct2(i.CpuPercentWithCounters)} | {(i.JitMillisecondsInWindow is { } jit ? Inv($"{jit:0} ms") : "-")} | {Pct2(i.GatewayCpuPercent)} | {Pct2(i.SiloCpuPercent)} | {Num(i.Storage?.OpsPerSecond)} | {Num(i.Storage?.WritesPerSecond)} | {KiB(i.SiloHeapBytesPerSession)} | {KiB(i.SiloRssBytesPerSession)} | {KiB(i.GatewayHeapBytesPerConnection)} | {KiB(i.GatewayRssBytesPerConnection)} | {i.ClosedByServer} | {Load(i.LoadAverage)} |");
        }

        Line(md);
        foreach (var i in idle.Where(i => i.Storage is not null))
        {
            Line(md, $"Storage operations per second while idle, by service and method: {ByKind(i.Storage!)}.");
            Line(md);
        }
    }

    private static string ByKind(StorageRates storage) =>
        storage.ByKindMethod.Count == 0 ? "none" : string.Join(", ", storage.ByKindMethod.Select(kv => Inv($"{kv.Key} {kv.Value:0.##}/s")));

    private static string Num(double? value, string format = "0.##") => value is { } v ? v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static string Pct2(double? percent) => percent is { } p ? Inv($"{p:0.##} %") : "-";
}
