using System.Diagnostics;
using System.Globalization;
using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests.Soak;

/// <summary>
/// Runs a <see cref="SoakPlan"/> against its own cluster: Azurite keeping its data on disk (so it can be killed
/// and restarted), two silos and two gateways with the production defaults, producers on gateway 0 and
/// consumers on gateway 1; then checks every session (<see cref="SoakChecker"/>).
/// </summary>
internal static class SoakRunner
{
    /// <summary>A session whose consumer went this long without new events counts as affected by a disruption.</summary>
    private static readonly TimeSpan Affected = TimeSpan.FromSeconds(1);

    public static async Task<SoakResult> RunAsync(SoakPlan plan, string logRoot, Action<string> log)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var timeline = new List<string>();
        void Note(string what)
        {
            var line = $"{clock.Elapsed.TotalSeconds,7:F1}s {what}";
            lock (timeline)
            {
                timeline.Add(line);
            }

            log(line);
        }

        var data = Path.Combine(logRoot, "azurite-data-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        await using var azurite = await Azurite.StartAsync(logRoot, data);
        await using var cluster = await LocalCluster.StartAsync(azurite, logRoot, silos: 2, gateways: 2, defaults: true);
        Note($"cluster {cluster.ClusterId} up (Azurite data in {data}); load {LoadAverage()}");

        var sessions = Enumerable.Range(0, plan.Sessions).Select(_ => Sessions.New()).ToList();
        var consumers = sessions.Select(s => new SoakConsumer(cluster, s, home: 1, gateways: 2, clock)).ToList();
        var producers = sessions.Select(s => new SoakProducer(cluster, s, home: 0, gateways: 2, clock)).ToList();
        using var stop = new CancellationTokenSource();
        using var stopSending = new CancellationTokenSource();
        await Task.WhenAll(consumers.Select(c => c.ConnectFirstAsync(stop.Token)));
        var consuming = consumers.Select(c => c.RunAsync(stop.Token)).ToList();

        var trafficStart = clock.Elapsed;
        Note($"{plan.Sessions} sessions connected; traffic starts ({plan.EventsPerSecond}/s each)");
        var producing = producers.Select(p => p.RunAsync(plan.EventsPerSecond, stopSending.Token, stop.Token)).ToList();
        var outcomes = new List<(Disruption Plan, double At, string Target, List<string> OnKilledGateway)>();
        try
        {
            foreach (var disruption in plan.Disruptions)
            {
                await WaitUntil(clock, trafficStart + disruption.At);
                outcomes.Add(await DisruptAsync(disruption, cluster, azurite, sessions, consumers, clock, Note));
            }

            await WaitUntil(clock, trafficStart + plan.Duration);
            await stopSending.CancelAsync();
            Note($"producers stop sending; load {LoadAverage()}");

            // Drain: every accepted event delivered or inside an announced gap, every producer acked.
            // (A relay without publish-ack gives nothing to wait for but a consumer that stopped receiving.)
            var deadline = clock.Elapsed + plan.Drain;
            var received = -1;
            while (clock.Elapsed < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                var now = consumers.Sum(c => c.ReceiptCount);
                var settled = producers.All(p => !p.AckSeen || p.Unacked == 0)
                    && producers.Zip(consumers).All(pc => SoakChecker.Check(pc.First, pc.Second).SilentlyLost == 0)
                    && now == received;
                received = now;
                if (settled)
                {
                    break;
                }
            }

            Note("drained");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(producing.Concat(consuming)).WaitAsync(TimeSpan.FromSeconds(30));
        }

        var tallies = producers.Zip(consumers).Select(pc => SoakChecker.Check(pc.First, pc.Second)).ToList();
        var disruptions = outcomes.Select(o => Outcome(o.Plan, o.At, o.Target, o.OnKilledGateway, producers, consumers)).ToList();
        return new SoakResult
        {
            StartedUtc = started,
            Machine = $"{Environment.ProcessorCount} cores, load average {LoadAverage()} at the end (shared machine)",
            Plan = new SoakPlanSummary(plan.Sessions, plan.EventsPerSecond, plan.Duration.TotalSeconds, plan.Drain.TotalSeconds,
                "production defaults (no Relay:* overrides but ports, storage and cluster id)",
                [.. plan.Disruptions.Select(d => $"{d.Kind} at {d.At.TotalSeconds} s, down {d.Down.TotalSeconds} s")]),
            PublishAck = producers.Any(p => p.AckSeen),
            Totals = Sum(tallies, producers, consumers),
            Disruptions = disruptions,
            Timeline = timeline,
            Violations = [.. tallies.SelectMany(t => t.Violations.Concat(t.SilentExamples).Select(v => $"{t.Session}: {v}")).Take(50)],
            Sessions = tallies,
        };
    }

    private static async Task<(Disruption, double, string, List<string>)> DisruptAsync(
        Disruption disruption, LocalCluster cluster, Azurite azurite, List<string> sessions, List<SoakConsumer> consumers, Stopwatch clock, Action<string> note)
    {
        var at = clock.Elapsed.TotalMilliseconds;
        switch (disruption.Kind)
        {
            case DisruptionKind.SiloKill:
            {
                var hosts = sessions.Select(s => { try { return cluster.SiloHosting(s); } catch (InvalidOperationException) { return -1; } }).ToList();
                var victim = Enumerable.Range(0, 2).OrderByDescending(i => hosts.Count(h => h == i)).First();
                cluster.Silo(victim).Kill();
                at = clock.Elapsed.TotalMilliseconds;
                note($"killed silo{victim} (hosting {hosts.Count(h => h == victim)} of {sessions.Count} sessions)");
                await Task.Delay(disruption.Down);
                await cluster.StartSiloAsync(victim);
                note($"silo{victim} started again");
                return (disruption, at, $"silo{victim}", []);
            }

            case DisruptionKind.GatewayKill:
            {
                var onIt = consumers.Select(c => c.Current).Where(c => c?.Gateway == disruption.Index).Select(c => c!.Value.ConnectionId).ToList();
                cluster.Gateway(disruption.Index).Kill();
                at = clock.Elapsed.TotalMilliseconds;
                note($"killed gateway{disruption.Index} ({onIt.Count} consumers on it)");
                await Task.Delay(disruption.Down);
                await cluster.StartGatewayAsync(disruption.Index);
                note($"gateway{disruption.Index} started again");
                return (disruption, at, $"gateway{disruption.Index}", onIt);
            }

            default:
                azurite.Kill();
                at = clock.Elapsed.TotalMilliseconds;
                note("killed Azurite");
                await Task.Delay(disruption.Down);
                await azurite.RestartAsync();
                note("Azurite started again on the same data");
                return (disruption, at, "azurite", []);
        }
    }

    private static DisruptionOutcome Outcome(Disruption plan, double at, string target, List<string> onKilledGateway, List<SoakProducer> producers, List<SoakConsumer> consumers)
    {
        var outages = new List<double>();
        var never = 0;
        foreach (var (producer, consumer) in producers.Zip(consumers))
        {
            var lastBefore = producer.Read(() => producer.FirstSent.Where(kv => kv.Value <= at).Select(kv => kv.Key).DefaultIfEmpty(0).Max());
            var resumed = consumer.Read(() => consumer.Receipts
                .Where(r => r.At > at && SoakChecker.Number(consumer.Session, r.Id) is { } n && n > lastBefore)
                .Select(r => (double?)r.At).Min());
            if (resumed is { } t)
            {
                outages.Add(t - at);
            }
            else
            {
                never++;
            }
        }

        var affected = outages.Where(o => o >= Affected.TotalMilliseconds).OrderBy(o => o).ToList();
        var left = new List<double>();
        var missing = 0;
        foreach (var id in onKilledGateway)
        {
            var seen = producers.Select(p => p.Read(() => p.MemberLeft.Where(m => m.ConnectionId == id && m.At >= at).Select(m => (double?)m.At).Min()))
                .FirstOrDefault(t => t is not null);
            if (seen is { } t)
            {
                left.Add(t - at);
            }
            else
            {
                missing++;
            }
        }

        left.Sort();
        return new DisruptionOutcome(
            plan.Kind.ToString(), target, Math.Round(at / 1000, 1), plan.Down.TotalSeconds,
            affected.Count, Percentile(affected, 0.5), affected.Count > 0 ? Math.Round(affected[^1]) : null, never,
            Percentile(left, 0.5), left.Count > 0 ? Math.Round(left[^1]) : null, missing);
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))]);

    private static Totals Sum(List<SessionTally> t, List<SoakProducer> producers, List<SoakConsumer> consumers)
    {
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (code, count) in producers.SelectMany(p => p.Read(() => p.Errors.ToList())))
        {
            errors[code] = errors.GetValueOrDefault(code) + count;
        }

        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (reason, count) in t.SelectMany(x => x.Reasons))
        {
            reasons[reason] = reasons.GetValueOrDefault(reason) + count;
        }

        return new Totals(
            t.Sum(x => (long)x.Sent), t.Sum(x => (long)x.Accepted), t.Sum(x => (long)x.Delivered), t.Sum(x => (long)x.Replayed),
            t.Sum(x => (long)x.AnnouncedLost), t.Sum(x => (long)x.SilentlyLost), t.Sum(x => x.UnannouncedSeqGaps),
            t.Sum(x => (long)x.Duplicates), t.Sum(x => (long)x.OutOfOrder), t.Sum(x => (long)x.NeverAccepted),
            t.Sum(x => (long)x.DeliveredWithoutAck), t.Sum(x => (long)x.UnconfirmedWithoutAck),
            producers.Sum(p => (long)p.Resent), errors, producers.Sum(p => (long)p.Connections),
            consumers.Sum(c => (long)c.Read(() => c.Connections.Count)),
            t.Sum(x => (long)x.RecoveredTrue), t.Sum(x => (long)x.RecoveredFalse), reasons);
    }

    private static async Task WaitUntil(Stopwatch clock, TimeSpan at)
    {
        var wait = at - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static string Format(SoakResult r) => string.Create(CultureInfo.InvariantCulture,
        $"sent {r.Totals.Sent}, accepted {r.Totals.Accepted}, delivered {r.Totals.Delivered}, replayed {r.Totals.Replayed}, " +
        $"announced lost {r.Totals.AnnouncedLost}, silently lost {r.Totals.SilentlyLost}, unannounced seq gaps {r.Totals.UnannouncedSeqGaps}, " +
        $"duplicates {r.Totals.Duplicates}, out of order {r.Totals.OutOfOrder}, never accepted {r.Totals.NeverAccepted}, publish-ack {r.PublishAck}");
}
