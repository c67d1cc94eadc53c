namespace RapidTriage.LoadGen.Report;

/// <summary>The headline figures of a results file, picked the same way for the report and the before/after table.</summary>
internal static class Figures
{
    public const string Relay = "relay";
    public const string Baseline = "baseline";
    public const string RelayBefore = "relay-before";

    /// <summary>The median run (by p99; the worse of two) of <paramref name="target"/> at <paramref name="rate"/>.</summary>
    public static RunResult? Latency(SuiteResults results, string target, double rate)
    {
        var runs = results.Latency.Where(r => r.Target == target && r.OfferedRate == rate).OrderBy(r => r.Latency.P99Us).ToList();
        return runs.Count == 0 ? null : runs[runs.Count / 2];
    }

    /// <summary>The largest allocation per message of the runs at a rate (a late counter report makes a run read low).</summary>
    public static double? LatencyAllocation(SuiteResults results, string target, double rate) =>
        results.Latency.Where(r => r.Target == target && r.OfferedRate == rate && r.AllocatedBytesPerMessage is not null)
            .Select(r => r.AllocatedBytesPerMessage).DefaultIfEmpty(null).Max();

    public static IEnumerable<double> LatencyRates(SuiteResults results) => results.Latency.Select(r => r.OfferedRate).Distinct().Order();

    public static IEnumerable<string> Targets(SuiteResults results) =>
        results.Latency.Select(r => r.Target)
            .Concat(results.Throughput.Select(t => t.Target))
            .Concat(results.Connections.Select(c => c.Target))
            .Distinct()
            .OrderBy(t => t == Relay ? 0 : t == Baseline ? 2 : 1);

    public static ThroughputResult? Throughput(SuiteResults results, string target) => results.Throughput.FirstOrDefault(t => t.Target == target);

    public static SessionsResult? Sessions(SuiteResults results, string target) => results.Sessions.FirstOrDefault(t => t.Target == target);

    /// <summary>The highest aggregate rate at which a many-sessions step passed (p99 under the limit, all delivered), or null.</summary>
    public static double? SessionsMaxPassing(SuiteResults results, string target) =>
        Sessions(results, target) is { } s ? s.Steps.Where(r => r.Pass).Select(r => r.OfferedRate).DefaultIfEmpty(0).Max() : null;

    public static ConnectionsResult? Connections(SuiteResults results, string target) => results.Connections.FirstOrDefault(t => t.Target == target);

    /// <summary><paramref name="value"/> / <paramref name="baseline"/>, or null when either is missing or zero.</summary>
    public static double? Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b != 0 ? v / b : null;
}
