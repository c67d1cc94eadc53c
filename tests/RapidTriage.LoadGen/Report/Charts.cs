using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RapidTriage.LoadGen.Report;

/// <summary>Draws the report's PNG charts with gnuplot (Debian <c>gnuplot-nox</c>, cairo terminal), offline.</summary>
internal static class Charts
{
    // Three shades per target (p50, p99, p99.9): blues, oranges, greens, greys.
    private static readonly string[] Palette =
    [
        "#9ecae1", "#4292c6", "#08519c", "#fdae6b", "#f16913", "#a63603", "#a1d99b", "#41ab5d", "#006d2c", "#bdbdbd", "#737373", "#252525",
    ];

    private const string Terminal = "set terminal pngcairo size 900,460 font 'sans,10' noenhanced";

    /// <summary>Draws every chart the results have data for into <paramref name="directory"/>; titles name the mode unless it is local.</summary>
    public static List<(string Title, string File)> Draw(SuiteResults results, string directory)
    {
        var drawn = new List<(string, string)>();
        var work = Directory.CreateTempSubdirectory("rt-charts-");
        try
        {
            Directory.CreateDirectory(directory);
            var canvas = new Canvas(work.FullName, directory, results.Mode == "local" ? "" : $"{results.Mode} mode: ");
            var targets = Figures.Targets(results).ToList();
            Add(drawn, Latency(results, targets, canvas));
            Add(drawn, Steps(results.Throughput.Select(t => (t.Target, t.Steps)).ToList(), "throughput.png",
                "One session, 1 producer -> 3 consumers: p99 by offered rate", canvas));
            Add(drawn, Steps(results.Sessions.Select(t => (t.Target, t.Steps)).ToList(), "sessions.png",
                $"{results.Sessions.FirstOrDefault()?.Sessions} sessions at once: p99 by aggregate offered rate", canvas));
            Add(drawn, MaxRates(results, targets, canvas));
            Add(drawn, Connections(results, targets, canvas));
            Add(drawn, Grid(results, canvas));
        }
        finally
        {
            work.Delete(recursive: true);
        }

        return drawn;
    }

    private static void Add(List<(string, string)> drawn, (string Title, string File)? chart)
    {
        if (chart is { } c)
        {
            drawn.Add(c);
        }
    }

    private static (string, string)? Latency(SuiteResults results, List<string> targets, Canvas canvas)
    {
        var rates = Figures.LatencyRates(results).ToList();
        if (rates.Count == 0)
        {
            return null;
        }

        return PercentileHistogram(
            canvas, "latency", "End-to-end latency by rate (1 producer -> 3 consumers, 300-byte events)",
            "End-to-end latency, producer send to consumer receive (1 producer -> 3 consumers, 300-byte events)", targets,
            rates.Select(rate => (Inv($"{rate:0} msg/s"), (Func<string, LatencySummary?>)(target => Figures.Latency(results, target, rate)?.Latency))),
            ["set key top left"]);
    }

    private static (string, string)? Steps(List<(string Target, List<RunResult> Steps)> series, string file, string title, Canvas canvas)
    {
        if (series.Count == 0 || series.All(s => s.Steps.Count == 0))
        {
            return null;
        }

        var plots = new List<string>();
        foreach (var (target, steps) in series)
        {
            var name = $"{Path.GetFileNameWithoutExtension(file)}-{target}.dat";
            // Per rate the passing attempt if any; steps whose consumers were all closed measured nothing and are left out.
            var rows = steps.Where(s => s.Latency.Samples > 0).GroupBy(s => s.OfferedRate).OrderBy(g => g.Key)
                .Select(g => g.OrderBy(s => s.Pass ? 0 : 1).ThenBy(s => s.Latency.P99Us).First())
                .Select(s => Inv($"{s.OfferedRate} {Math.Max(s.Latency.P99Us / 1000, 0.01):0.###} {(s.Pass ? 1 : 0)}"));
            File.WriteAllLines(Path.Combine(canvas.Work, name), rows);
            plots.Add($"'{name}' using 1:2 with linespoints lw 2 pt 7 title '{target} p99'");
        }

        plots.Add("50 with lines dt 2 lc rgb 'red' title 'p99 limit (50 ms)'");
        return Plot(canvas, file, title, $"""
            {Terminal}
            set output '{file}'
            set title '{title}'
            set logscale xy
            set xlabel 'offered rate (messages/s, log scale)'
            set ylabel 'p99 latency (ms, log scale)'
            set grid
            set key top left
            plot {string.Join(", ", plots)}
            """);
    }

    private static (string, string)? MaxRates(SuiteResults results, List<string> targets, Canvas canvas)
    {
        if (results.Throughput.Count == 0 && results.Sessions.Count == 0)
        {
            return null;
        }

        var data = new StringBuilder();
        data.Append("\"one session\"");
        targets.ForEach(t => data.Append(Inv($" {Figures.Throughput(results, t)?.MaxSustainedRate ?? 0}")));
        data.AppendLine();
        data.Append(Inv($"\"{results.Sessions.FirstOrDefault()?.Sessions ?? 0} sessions\""));
        targets.ForEach(t => data.Append(Inv($" {Figures.SessionsMaxPassing(results, t) ?? 0}")));
        data.AppendLine();
        data.Append(Inv($"\"{results.Sessions.FirstOrDefault()?.Sessions ?? 0} sessions, delivered in full\""));
        targets.ForEach(t => data.Append(Inv($" {Figures.Sessions(results, t)?.MaxDeliveredRate ?? 0}")));
        data.AppendLine();
        File.WriteAllText(Path.Combine(canvas.Work, "max.dat"), data.ToString());
        var plots = targets.Select((t, i) => i == 0 ? $"'max.dat' using 2:xtic(1) title '{t}'" : Inv($"'' using {i + 2} title '{t}'"));
        return Plot(canvas, "max-rate.png", "Highest sustained rate with p99 under 50 ms", $"""
            {Terminal}
            set output 'max-rate.png'
            set title 'Highest sustained rate (messages/s): p99 < 50 ms and nothing lost; or (last group) nothing lost'
            set style data histograms
            set style histogram clustered gap 1
            set style fill solid 0.85 border -1
            set yrange [0:*]
            set ylabel 'messages/s'
            set grid ytics
            set key outside right top
            plot {string.Join(", ", plots)}
            """);
    }

    private static (string, string)? Connections(SuiteResults results, List<string> targets, Canvas canvas)
    {
        if (results.Connections.Count == 0)
        {
            return null;
        }

        var data = new StringBuilder();
        data.Append("\"resident set\"");
        targets.ForEach(t => data.Append(Inv($" {(Figures.Connections(results, t)?.RssBytesPerConnection ?? 0) / 1024:0.##}")));
        data.AppendLine();
        data.Append("\"GC heap\"");
        targets.ForEach(t => data.Append(Inv($" {(Figures.Connections(results, t)?.HeapBytesPerConnection ?? 0) / 1024:0.##}")));
        data.AppendLine();
        File.WriteAllText(Path.Combine(canvas.Work, "connections.dat"), data.ToString());
        var plots = targets.Select((t, i) => i == 0 ? $"'connections.dat' using 2:xtic(1) title '{t}'" : Inv($"'' using {i + 2} title '{t}'")).ToList();
        plots.Add("32 with lines dt 2 lc rgb 'red' title 'goal: < 32 KiB'");
        var count = results.Connections.First().Requested;
        return Plot(canvas, "connections.png", "Server memory per idle connection", $"""
            {Terminal}
            set output 'connections.png'
            set title 'Server memory per idle connection ({count} connections, after minus before)'
            set style data histograms
            set style histogram clustered gap 1
            set style fill solid 0.85 border -1
            set yrange [0:*]
            set ylabel 'KiB per connection'
            set grid ytics
            set key outside right top
            plot {string.Join(", ", plots)}
            """);
    }

    private static (string, string)? Grid(SuiteResults results, Canvas canvas)
    {
        var grid = results.Grid ?? [];
        if (grid.Count == 0)
        {
            return null;
        }

        var targets = grid.Select(c => c.Target).Distinct().OrderBy(t => t == Figures.Relay ? 0 : 1).ToList();
        var cells = grid.Select(c => (c.Sessions, c.OfferedRate)).Distinct().OrderBy(c => c.Sessions).ThenBy(c => c.OfferedRate);
        return PercentileHistogram(
            canvas, "grid", "Sessions x total rate: latency (1 producer on gateway 1 -> 1 consumer on gateway 2 per session)",
            "Sessions x total rate: end-to-end latency (per session 1 producer -> 1 consumer)", targets,
            cells.Select(cell => (Inv($"{cell.Sessions} x {cell.OfferedRate / 1000:0.#}k/s"), (Func<string, LatencySummary?>)(target =>
                grid.FirstOrDefault(c => c.Target == target && c.Sessions == cell.Sessions && c.OfferedRate == cell.OfferedRate)?.Run.Latency))),
            ["set xlabel 'sessions x total rate'", "set key outside right top"]);
    }

    private static (string, string)? Plot(Canvas canvas, string file, string title, string script)
    {
        title = canvas.TitlePrefix + title;
        script = script.Replace("set title '", "set title '" + canvas.TitlePrefix, StringComparison.Ordinal);
        var work = canvas.Work;
        File.WriteAllText(Path.Combine(work, "plot.gp"), script);
        try
        {
            using var gnuplot = Process.Start(new ProcessStartInfo("gnuplot", "plot.gp")
            {
                WorkingDirectory = work,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var errors = gnuplot.StandardError.ReadToEnd();
            if (!gnuplot.WaitForExit(TimeSpan.FromSeconds(30)) || gnuplot.ExitCode != 0 || !File.Exists(Path.Combine(work, file)))
            {
                Console.Error.WriteLine($"gnuplot failed for {file}: {errors}");
                return null;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("gnuplot is not installed (apt-get install gnuplot-nox): no charts");
            return null;
        }

        File.Copy(Path.Combine(work, file), Path.Combine(canvas.Directory, file), overwrite: true);
        return (title, file);
    }

    private static string Ms(double? micros) => micros is { } us ? Inv($"{Math.Max(us / 1000, 0.001):0.####}") : "NaN";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Where a chart is drawn (a temp folder), where it goes, and what its title starts with.</summary>
    private sealed record Canvas(string Work, string Directory, string TitlePrefix);

    /// <summary>
    /// A clustered histogram on a log scale: one group per row (its label, then each target's latency), p50, p99 and
    /// p99.9 of each target side by side. <paramref name="settings"/> are the chart's own gnuplot lines (axis label, key).
    /// </summary>
    private static (string, string)? PercentileHistogram(
        Canvas canvas, string name, string description, string title, List<string> targets,
        IEnumerable<(string Label, Func<string, LatencySummary?> LatencyOf)> rows, string[] settings)
    {
        var data = new StringBuilder();
        foreach (var (label, latencyOf) in rows)
        {
            data.Append(Inv($"\"{label}\""));
            foreach (var target in targets)
            {
                var latency = latencyOf(target);
                data.Append(Inv($" {Ms(latency?.P50Us)} {Ms(latency?.P99Us)} {Ms(latency?.P999Us)}"));
            }

            data.AppendLine();
        }

        File.WriteAllText(Path.Combine(canvas.Work, name + ".dat"), data.ToString());
        string[] names = ["p50", "p99", "p99.9"];
        var columns = new List<string>();
        for (var t = 0; t < targets.Count; t++)
        {
            for (var p = 0; p < names.Length; p++)
            {
                var column = 2 + (t * 3) + p;
                var color = Palette[((t * 3) + p) % Palette.Length];
                columns.Add(columns.Count == 0
                    ? Inv($"'{name}.dat' using {column}:xtic(1) title '{targets[t]} {names[p]}' lc rgb '{color}'")
                    : Inv($"'' using {column} title '{targets[t]} {names[p]}' lc rgb '{color}'"));
            }
        }

        return Plot(canvas, name + ".png", description, $"""
            {Terminal}
            set output '{name}.png'
            set title '{title}'
            set style data histograms
            set style histogram clustered gap 1
            set style fill solid 0.85 border -1
            set logscale y
            set yrange [0.01:*]
            set ylabel 'latency (ms, log scale)'
            set grid ytics
            {string.Join('\n', settings)}
            plot {string.Join(", ", columns)}
            """);
    }
}
