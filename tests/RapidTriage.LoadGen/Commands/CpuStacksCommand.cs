using System.CommandLine;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace RapidTriage.LoadGen.Commands;

/// <summary>
/// <c>cpu-stacks</c>: reads a CPU-sampling trace of one process taken with
/// <c>dotnet-trace collect-linux -p PID --profile cpu-sampling</c> (kernel samples, so time in system calls, thread
/// wake-ups and native runtime code counts too, not only managed frames) and prints where the CPU went: by area
/// (the relay's own code, Orleans, Kestrel, the Azure SDK, thread wake-ups, socket system calls, ...), then the
/// methods with the most samples inclusive and exclusive.
/// </summary>
internal static class CpuStacksCommand
{
    // Areas by the frames a sample's stack holds, first rule first. Kernel work is named by what it does wherever
    // it was called from: a futex wait under an Orleans call is the cost of waking threads, not of Orleans' code.
    private static readonly (string Area, Func<string, bool> Matches)[] Areas =
    [
        ("compiling code (JIT)", f => f.Contains("libclrjit", StringComparison.Ordinal) || f.Contains("Tiered", StringComparison.Ordinal)),
        ("thread wake-up and sleep (futex, scheduler)", f => f.Contains("futex", StringComparison.Ordinal) || f.StartsWith("finish_task_switch", StringComparison.Ordinal)
            || f.StartsWith("__schedule", StringComparison.Ordinal) || f.Contains("sched_yield", StringComparison.Ordinal)),
        ("socket system calls (send, receive, epoll)", f => f.StartsWith("tcp_", StringComparison.Ordinal) || f.StartsWith("__sys_sendto", StringComparison.Ordinal)
            || f.StartsWith("__sys_recvfrom", StringComparison.Ordinal) || f.Contains("epoll", StringComparison.Ordinal) || f.StartsWith("sock_", StringComparison.Ordinal)),
        ("Azure Storage SDK", f => f.StartsWith("Azure.", StringComparison.Ordinal) || f.StartsWith("Orleans.Storage.", StringComparison.Ordinal)
            || f.StartsWith("Orleans.Clustering.AzureStorage", StringComparison.Ordinal) || f.StartsWith("System.Net.Http.", StringComparison.Ordinal)),
        ("relay code (RapidTriage.*)", f => f.StartsWith("RapidTriage.", StringComparison.Ordinal)),
        ("OpenTelemetry and metrics", f => f.StartsWith("OpenTelemetry.", StringComparison.Ordinal) || f.StartsWith("System.Diagnostics.Metrics.", StringComparison.Ordinal)),
        ("Orleans messaging and scheduling", f => f.StartsWith("Orleans", StringComparison.Ordinal)),
        ("WebSockets", f => f.StartsWith("System.Net.WebSockets.", StringComparison.Ordinal)),
        ("Kestrel and ASP.NET Core", f => f.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)),
        ("sockets (managed)", f => f.StartsWith("System.Net.Sockets.", StringComparison.Ordinal)),
        ("thread pool dispatch", f => f.StartsWith("System.Threading.", StringComparison.Ordinal)),
    ];

    public static Command Create()
    {
        var file = new Option<string>("--trace") { Description = "A .nettrace file from dotnet-trace collect-linux --profile cpu-sampling.", Required = true };
        var top = new Option<int>("--top") { Description = "How many methods in each list.", DefaultValueFactory = _ => 25 };
        var command = new Command("cpu-stacks", "Print where a process's CPU went, from a collect-linux cpu-sampling trace.") { file, top };
        command.SetAction(parse =>
        {
            var etlx = TraceLog.CreateFromEventPipeDataFile(parse.GetValue(file)!);
            using var log = new TraceLog(etlx);
            var areas = new Dictionary<string, int>(StringComparer.Ordinal);
            var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
            var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
            var total = 0;
            var frames = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var data in log.Events)
            {
                if (data.ProviderName != "Universal.Events" || data.EventName != "cpu" || data.CallStack() is not { } stack)
                {
                    continue;
                }

                frames.Clear();
                for (var frame = stack; frame is not null; frame = frame.Caller)
                {
                    var name = frame.CodeAddress.FullMethodName;
                    frames.Add(string.IsNullOrEmpty(name) ? frame.CodeAddress.ModuleName ?? "?" : Clean(name));
                }

                total++;
                var area = AreaOf(frames);
                areas[area] = areas.GetValueOrDefault(area) + 1;
                exclusive[frames[0]] = exclusive.GetValueOrDefault(frames[0]) + 1;
                seen.Clear();
                foreach (var name in frames)
                {
                    if (seen.Add(name))
                    {
                        inclusive[name] = inclusive.GetValueOrDefault(name) + 1;
                    }
                }
            }

            if (total == 0)
            {
                Console.WriteLine("No CPU samples in the trace (was it taken with collect-linux --profile cpu-sampling?)");
                return 1;
            }

            Console.WriteLine($"{total} CPU samples");
            Console.WriteLine("By area (each sample counted once, by the first rule its stack matches):");
            foreach (var (area, samples) in areas.OrderByDescending(kv => kv.Value))
            {
                Console.WriteLine($"{samples * 100.0 / total,6:0.0}%  {area}");
            }

            Print("Methods, exclusive (the frame that was running):", exclusive, total, parse.GetValue(top));
            Print("Methods, inclusive (on the stack):", inclusive, total, parse.GetValue(top));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// <c>instance void [Orleans.Core] Orleans.X::M(args)[OptimizedTier1]</c> as <c>Orleans.X::M(args)</c>: managed
    /// frames come with their return type, assembly and tier.
    /// </summary>
    private static string Clean(string name)
    {
        var assembly = name.IndexOf(" [", StringComparison.Ordinal);
        var afterAssembly = assembly < 0 ? -1 : name.IndexOf("] ", assembly, StringComparison.Ordinal);
        if (afterAssembly > 0)
        {
            name = name[(afterAssembly + 2)..];
        }

        var tier = name.LastIndexOf(")[", StringComparison.Ordinal);
        return tier > 0 ? name[..(tier + 1)] : name;
    }

    private static string AreaOf(List<string> frames)
    {
        foreach (var (area, matches) in Areas)
        {
            if (frames.Any(matches))
            {
                return area;
            }
        }

        return "other (runtime, GC, libraries)";
    }

    private static void Print(string title, Dictionary<string, int> counts, int total, int top)
    {
        Console.WriteLine(title);
        foreach (var (name, samples) in counts.OrderByDescending(kv => kv.Value).Take(top))
        {
            Console.WriteLine($"{samples * 100.0 / total,6:0.0}%  {(name.Length > 150 ? name[..150] : name)}");
        }
    }
}
