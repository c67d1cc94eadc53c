using System.CommandLine;
using System.Text.Json;
using RapidTriage.LoadGen.Report;

namespace RapidTriage.LoadGen.Commands;

/// <summary><c>report</c>: turns results JSON into <c>docs/performance.md</c> and its PNG charts.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "Results JSON written by suite.", Required = true };
        var cluster = new Option<string?>("--cluster") { Description = "Results JSON of a cluster-mode run (suite --mode cluster), reported in its own section." };
        var before = new Option<string?>("--before") { Description = "Results JSON from before the optimizations, for a before/after table." };
        var output = new Option<string>("--out") { Description = "The Markdown file to write.", Required = true };
        var charts = new Option<string>("--charts") { Description = "Directory for the PNG charts (gnuplot must be installed).", Required = true };
        var benchmarks = new Option<string?>("--benchmarks") { Description = "Directory of BenchmarkDotNet *-report-github.md files to include." };
        var notes = new Option<string?>("--notes") { Description = "A hand-written Markdown file included as the analysis section." };
        var capacity = new Option<string?>("--capacity") { Description = "Where to write the capacity model (docs/capacity.md) from the cluster results' grid and idle scenarios." };
        var command = new Command("report", "Write the Markdown performance report with charts.") { results, cluster, before, output, charts, benchmarks, notes, capacity };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var current = await ReadAsync(parse.GetValue(results)!, cancellationToken);
            var previous = parse.GetValue(before) is { } path && File.Exists(path) ? await ReadAsync(path, cancellationToken) : null;
            var outPath = parse.GetValue(output)!;
            var chartDir = parse.GetValue(charts)!;
            Directory.CreateDirectory(chartDir);
            var clusterResults = parse.GetValue(cluster) is { } clusterPath && File.Exists(clusterPath) ? await ReadAsync(clusterPath, cancellationToken) : null;
            var relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(outPath))!, Path.GetFullPath(chartDir));
            var chartNames = Charts.Draw(current, chartDir).Select(c => (c.Title, Path.Combine(relative, c.File))).ToList();

            // Cluster charts keep the same file names in their own folder.
            var clusterCharts = clusterResults is null ? [] : Charts.Draw(clusterResults, Path.Combine(chartDir, "cluster"))
                .Select(c => (c.Title, Path.Combine(relative, "cluster", c.File))).ToList();
            var markdown = ReportWriter.Write(current, previous, chartNames, parse.GetValue(benchmarks), parse.GetValue(notes), clusterResults, clusterCharts);
            await File.WriteAllTextAsync(outPath, markdown, cancellationToken);
            Console.WriteLine($"report: {outPath} ({chartNames.Count + clusterCharts.Count} charts)");
            if (parse.GetValue(capacity) is { } capacityPath && clusterResults is not null)
            {
                if (CapacityWriter.Write(clusterResults, current) is { } model)
                {
                    await File.WriteAllTextAsync(capacityPath, model, cancellationToken);
                    Console.WriteLine($"capacity: {capacityPath}");
                }
                else
                {
                    Console.WriteLine("capacity: not written (the cluster results have no clean grid cell or no idle result)");
                }
            }
            return 0;
        });
        return command;
    }

    private static async Task<SuiteResults> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<SuiteResults>(stream, Json.Options, cancellationToken)
            ?? throw new InvalidDataException($"{path} holds no results");
    }
}
