using System.Diagnostics;

namespace RapidTriage.LoadGen.Scenarios;

/// <summary>
/// Scenario 3: many idle connections on one gateway. Memory per connection is the server process's
/// resident set (and GC heap, after a full GC it is asked to run) after opening them minus before,
/// divided by their number; also how long opening and closing them all took.
/// </summary>
internal static class ConnectionsScenario
{
    private const int IdleBuffer = 1024;
    private const int WarmUpSessions = 50;

    public static async Task<List<ConnectionsResult>> RunAsync(IReadOnlyList<Target> targets, SuiteSettings settings, Probes probes, CancellationToken cancellationToken)
    {
        var results = new List<ConnectionsResult>();
        foreach (var target in targets)
        {
            results.Add(await RunOneAsync(target, settings, probes.For(target), cancellationToken));
            await Task.Delay(settings.Pause, cancellationToken);
        }

        return results;
    }

    private static async Task<ConnectionsResult> RunOneAsync(Target target, SuiteSettings settings, CounterProbe? counters, CancellationToken cancellationToken)
    {
        // A short warm-up first, so that code compiled and pools filled on first use are not counted per connection.
        await using (await SessionGroup.ConnectAsync(target, WarmUpSessions, 3, settings.ConnectConcurrency, cancellationToken))
        {
        }

        var (rssBefore, heapBefore) = await MeasureAsync(target, counters);
        var clients = new LoadClient?[settings.Connections];
        var failed = 0;
        using var stop = new CancellationTokenSource();
        var perSession = settings.IdleConnectionsPerSession;
        var sessions = Enumerable.Range(0, (settings.Connections + perSession - 1) / perSession)
            .Select(_ => Target.NewSession("idle")).ToArray();

        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Connections), new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.ConnectConcurrency,
            CancellationToken = cancellationToken,
        }, async (i, token) =>
        {
            var session = sessions[i / perSession];
            var uri = i % perSession == 0 ? target.Producer(session) : target.Consumer(session);
            try
            {
                var client = await LoadClient.ConnectAsync(uri, target.RelayProtocol, initClientType: null, token);
                client.StartReceiving(static _ => { }, IdleBuffer, stop.Token);
                clients[i] = client;
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or HttpRequestException)
            {
                Interlocked.Increment(ref failed);
            }
        });
        var openSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var opened = clients.Count(c => c is not null);
        Console.WriteLine($"connections {target.Name}: {opened} open, {failed} failed, in {openSeconds:0.00} s");

        await Task.Delay(settings.Settle, cancellationToken);
        var (rssAfter, heapAfter) = await MeasureAsync(target, counters);
        if (settings.Hold > TimeSpan.Zero)
        {
            Console.WriteLine($"connections {target.Name}: holding {opened} connections for {settings.Hold.TotalSeconds:0} s");
            await Task.Delay(settings.Hold, cancellationToken);
        }

        started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(clients.Where(c => c is not null), new ParallelOptions { MaxDegreeOfParallelism = settings.ConnectConcurrency },
            async (client, _) => await client!.DisposeAsync());
        var closeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        await Task.Delay(settings.Settle, cancellationToken);
        var rssAfterClose = ProcessProbe.ResidentBytes(target.Pid);

        var result = new ConnectionsResult(
            target.Name, settings.Connections, opened, failed, perSession, Math.Round(openSeconds, 3),
            Math.Round(opened / Math.Max(openSeconds, 1e-9), 1),
            rssBefore, rssAfter,
            rssBefore is { } rb && rssAfter is { } ra && opened > 0 ? Math.Round((ra - rb) / (double)opened) : null,
            heapBefore, heapAfter,
            heapBefore is { } hb && heapAfter is { } ha && opened > 0 ? Math.Round((ha - hb) * 1e6 / opened) : null,
            Math.Round(closeSeconds, 3), rssAfterClose);
        Console.WriteLine(Format.Connections(result));
        return result;
    }

    private static async Task<(long? Rss, double? HeapMb)> MeasureAsync(Target target, CounterProbe? counters)
    {
        await CounterProbe.InduceGcAsync(target.Pid);
        if (counters is not null)
        {
            await counters.WaitForReportsAsync(2, TimeSpan.FromSeconds(5));
        }

        return (ProcessProbe.ResidentBytes(target.Pid), counters?.Latest("gc-heap-size"));
    }
}
