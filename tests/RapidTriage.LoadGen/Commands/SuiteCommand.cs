using System.CommandLine;
using System.Text.Json;
using RapidTriage.LoadGen.Scenarios;

namespace RapidTriage.LoadGen.Commands;

/// <summary><c>suite</c>: runs the scenarios against every target and writes one JSON file.</summary>
internal static class SuiteCommand
{
    public static Command Create()
    {
        var targets = new Option<string[]>("--target")
        {
            Description = "A system under load, repeatable: name=relay,producer=ws://127.0.0.1:P/extension-ws?sessionId={session},consumer=ws://127.0.0.1:P/mcp-ws?sessionId={session},pid=N,protocol=relay|raw",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "Where to write the results JSON.", Required = true };
        var mode = new Option<string>("--mode") { Description = "Label of the deployment measured (local, cluster).", DefaultValueFactory = _ => "local" };
        var scenarios = new Option<string>("--scenarios") { Description = "Comma-separated: latency,throughput,sessions,connections,grid,idle.", DefaultValueFactory = _ => "latency,throughput,sessions,connections" };
        var quick = new Option<bool>("--quick") { Description = "A short run (a tenth of the sessions and connections, shorter steps)." };
        var sessions = new Option<int?>("--sessions") { Description = "Sessions in the many-sessions scenario (default 1000); lower it on a small machine." };
        var connections = new Option<int?>("--connections") { Description = "Idle connections in the connections scenario (default 10000)." };
        var repeats = new Option<int?>("--repeats") { Description = "Runs of each latency rate per target (default 2)." };
        var rates = new Option<string?>("--rates") { Description = "Latency rates, comma-separated (default 1000,5000,10000)." };
        var sessionRates = new Option<string?>("--session-rates") { Description = "Aggregate rates of the many-sessions climb, comma-separated (default 1000,2000,...,64000)." };
        var duration = new Option<double?>("--duration") { Description = "Measured seconds of each latency run (default 8)." };
        var gridSessions = new Option<string?>("--grid-sessions") { Description = "Session counts of the sessions x rate grid, comma-separated (default 1,100,500)." };
        var gridRates = new Option<string?>("--grid-rates") { Description = "Aggregate rates of the sessions x rate grid, comma-separated (default 1000,4000)." };
        var idleSessions = new Option<int?>("--idle-sessions") { Description = "Sessions of the idle scenario, two connections each (default 2000)." };
        var idleWindow = new Option<double?>("--idle-window") { Description = "Seconds of the idle scenario's steady window (default 60)." };
        var hold = new Option<int>("--hold") { Description = "Seconds to keep the idle connections open after measuring them (for a heap dump)." };
        var note = new Option<string>("--machine-note") { Description = "Said about the machine in the report.", DefaultValueFactory = _ => "" };
        var append = new Option<bool>("--append")
        {
            Description = "Add this run's results to those already in --out (scenarios run against freshly started servers, one group at a time).",
        };

        var command = new Command("suite", "Run the load scenarios against each target and write the results as JSON.")
        {
            targets, output, mode, scenarios, quick, sessions, connections, repeats, rates, sessionRates, duration, gridSessions, gridRates, idleSessions, idleWindow,
            hold, note, append,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new SuiteSettings();
            if (parse.GetValue(quick))
            {
                settings = settings.Quick();
            }

            settings = settings with
            {
                Scenarios = parse.GetValue(scenarios)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Sessions = parse.GetValue(sessions) ?? settings.Sessions,
                Connections = parse.GetValue(connections) ?? settings.Connections,
                Repeats = parse.GetValue(repeats) ?? settings.Repeats,
                Hold = TimeSpan.FromSeconds(parse.GetValue(hold)),
                LatencyRates = parse.GetValue(rates) is { } rateList
                    ? [.. rateList.Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture))]
                    : settings.LatencyRates,
                SessionRates = parse.GetValue(sessionRates) is { } climb
                    ? [.. climb.Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture))]
                    : settings.SessionRates,
                Run = parse.GetValue(duration) is { } seconds ? settings.Run with { DurationSeconds = seconds } : settings.Run,
                GridSessions = parse.GetValue(gridSessions) is { } gridList
                    ? [.. gridList.Split(',').Select(r => int.Parse(r, System.Globalization.CultureInfo.InvariantCulture))]
                    : settings.GridSessions,
                GridRates = parse.GetValue(gridRates) is { } gridRateList
                    ? [.. gridRateList.Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture))]
                    : settings.GridRates,
                IdleSessions = parse.GetValue(idleSessions) ?? settings.IdleSessions,
                IdleWindow = parse.GetValue(idleWindow) is { } window ? TimeSpan.FromSeconds(window) : settings.IdleWindow,
            };
            var list = parse.GetValue(targets)!.Select(Target.Parse).ToList();
            var results = await RunAsync(list, settings, parse.GetValue(mode)!, parse.GetValue(note)!, cancellationToken);
            var path = parse.GetValue(output)!;
            if (parse.GetValue(append) && File.Exists(path))
            {
                results = Append(JsonSerializer.Deserialize<SuiteResults>(await File.ReadAllTextAsync(path, cancellationToken), Json.Options)!, results);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(results, Json.Options), cancellationToken);
            Console.WriteLine($"results: {path}");
            return 0;
        });
        return command;
    }

    /// <summary>The earlier results (their start time and machine) with this run's added.</summary>
    private static SuiteResults Append(SuiteResults earlier, SuiteResults run)
    {
        earlier.Latency.AddRange(run.Latency);
        earlier.Throughput.AddRange(run.Throughput);
        earlier.Sessions.AddRange(run.Sessions);
        earlier.Connections.AddRange(run.Connections);
        return earlier with
        {
            Grid = [.. earlier.Grid ?? [], .. run.Grid ?? []],
            Idle = [.. earlier.Idle ?? [], .. run.Idle ?? []],
        };
    }

    private static async Task<SuiteResults> RunAsync(List<Target> targets, SuiteSettings settings, string mode, string note, CancellationToken cancellationToken)
    {
        var results = new SuiteResults(mode, DateTimeOffset.UtcNow, MachineInfoReader.Read(note), settings.Describe(), [], [], [], [], [], []);
        await using var probes = new Probes(targets);

        // Idle connections first: resident memory only grows, so its before/after delta must come from
        // processes that have not yet been through the load scenarios. (tests/perf/run.sh goes further and
        // starts fresh servers for each group: connections; sessions; latency and throughput.)
        if (settings.Scenarios.Contains("connections"))
        {
            results.Connections.AddRange(await ConnectionsScenario.RunAsync(targets, settings, probes, cancellationToken));
        }

        if (settings.Scenarios.Contains("sessions"))
        {
            results.Sessions.AddRange(await SessionsScenario.RunAsync(targets, settings, probes, cancellationToken));
        }

        if (settings.Scenarios.Contains("grid"))
        {
            results.Grid!.AddRange(await GridScenario.RunAsync(targets, settings, probes, cancellationToken));
        }

        if (settings.Scenarios.Contains("idle"))
        {
            results.Idle!.AddRange(await IdleScenario.RunAsync(targets, settings, probes, cancellationToken));
        }

        // Warm-up, not measured: the first seconds of load also pay for compiling code (tiered JIT).
        foreach (var target in settings.Scenarios.Contains("latency") || settings.Scenarios.Contains("throughput") ? targets : [])
        {
            await using var group = await SessionGroup.ConnectAsync(target, 1, settings.Consumers, 1, cancellationToken);
            await group.RunAsync("warm-up", settings.Run with { WarmupSeconds = 0, DurationSeconds = 3 }, 2000, [], cancellationToken);
        }

        if (settings.Scenarios.Contains("latency"))
        {
            results.Latency.AddRange(await LatencyScenario.RunAsync(targets, settings, probes, cancellationToken));
        }

        // Throughput last: its search overloads each server on purpose, and a server just overloaded is not
        // the one the other scenarios mean to measure.
        if (settings.Scenarios.Contains("throughput"))
        {
            results.Throughput.AddRange(await ThroughputScenario.RunAsync(targets, settings, probes, cancellationToken));
        }

        return results;
    }
}
