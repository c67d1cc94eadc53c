using System.CommandLine;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace RapidTriage.LoadGen.Commands;

/// <summary>
/// <c>alloc-stacks</c>: reads a trace taken with <c>dotnet-trace collect --profile gc-verbose</c> and prints
/// the call sites that allocate the most sampled bytes, as type plus the first frames in our own code.
/// </summary>
internal static class TraceStacksCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--trace") { Description = "A .nettrace file.", Required = true };
        var top = new Option<int>("--top") { Description = "How many call sites.", DefaultValueFactory = _ => 25 };
        var depth = new Option<int>("--depth") { Description = "Frames shown per site.", DefaultValueFactory = _ => 4 };
        var command = new Command("alloc-stacks", "Print the allocation call sites of a gc-verbose trace.") { file, top, depth };
        command.SetAction(parse =>
        {
            var etlx = TraceLog.CreateFromEventPipeDataFile(parse.GetValue(file)!);
            using var log = new TraceLog(etlx);
            var sites = new Dictionary<string, long>(StringComparer.Ordinal);
            long total = 0;
            foreach (var data in log.Events)
            {
                if (data is not GCAllocationTickTraceData tick)
                {
                    continue;
                }

                var frames = new List<string>();
                for (var frame = data.CallStack(); frame is not null && frames.Count < parse.GetValue(depth); frame = frame.Caller)
                {
                    var name = frame.CodeAddress.FullMethodName;
                    if (string.IsNullOrEmpty(name) || (frames.Count > 0 && (name.StartsWith("System.", StringComparison.Ordinal)
                        || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))))
                    {
                        continue;
                    }

                    frames.Add(name.Length > 140 ? name[..140] : name);
                }

                var key = $"{tick.TypeName}  <=  {string.Join("  <  ", frames)}";
                sites[key] = sites.GetValueOrDefault(key) + tick.AllocationAmount64;
                total += tick.AllocationAmount64;
            }

            Console.WriteLine($"{total / 1048576.0:0.0} MiB sampled");
            foreach (var (site, bytes) in sites.OrderByDescending(kv => kv.Value).Take(parse.GetValue(top)))
            {
                Console.WriteLine($"{bytes * 100.0 / total,5:0.0}%  {site}");
            }

            return 0;
        });
        return command;
    }
}
