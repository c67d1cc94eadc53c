using System.CommandLine;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace RapidTriage.LoadGen.Commands;

/// <summary>
/// <c>alloc-profile</c>: samples a running .NET process's allocations (the runtime's allocation ticks, one
/// per ~100 KB) for some seconds and prints the types that take the most bytes: where allocation per
/// message comes from, without a profiler installed.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var pid = new Option<int>("--pid") { Description = "The process to sample.", Required = true };
        var seconds = new Option<int>("--seconds") { Description = "How long to sample.", DefaultValueFactory = _ => 10 };
        var top = new Option<int>("--top") { Description = "How many types to print.", DefaultValueFactory = _ => 30 };
        var command = new Command("alloc-profile", "Print the types a running .NET process allocates most (sampled).") { pid, seconds, top };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = new DiagnosticsClient(parse.GetValue(pid));
            var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC);
            using var session = client.StartEventPipeSession([provider], requestRundown: false);
            var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
            var ticks = 0L;
            var processing = Task.Run(() =>
            {
                using var source = new EventPipeEventSource(session.EventStream);
                source.Clr.GCAllocationTick += e =>
                {
                    lock (bytes)
                    {
                        bytes[e.TypeName ?? "?"] = bytes.GetValueOrDefault(e.TypeName ?? "?") + e.AllocationAmount64;
                        ticks++;
                    }
                };
                source.Process();
            }, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken);
            await session.StopAsync(cancellationToken);
            await processing.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            lock (bytes)
            {
                var total = bytes.Values.Sum();
                Console.WriteLine($"{ticks} allocation ticks, {total / 1048576.0:0.0} MiB sampled");
                foreach (var (type, amount) in bytes.OrderByDescending(kv => kv.Value).Take(parse.GetValue(top)))
                {
                    Console.WriteLine($"{amount * 100.0 / total,6:0.0}%  {amount / 1048576.0,8:0.0} MiB  {type}");
                }
            }

            return 0;
        });
        return command;
    }
}
