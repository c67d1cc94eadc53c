using System.Globalization;

namespace RapidTriage.LoadGen;

/// <summary>Reads another process's memory and CPU time from <c>/proc</c> (Linux).</summary>
internal static class ProcessProbe
{
    private const double ClockTicksPerSecond = 100;

    /// <summary>Resident set size in bytes (<c>VmRSS</c>), or null when unknown.</summary>
    public static long? ResidentBytes(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    /// <summary>The machine's one-minute load average (runnable threads; this machine has 2 cores), or null.</summary>
    public static double? LoadAverage() =>
        File.Exists("/proc/loadavg")
            ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
            : null;

    /// <summary>User plus system CPU seconds the process has used, or null when unknown.</summary>
    public static double? CpuSeconds(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>User plus system CPU seconds used by all of <paramref name="pids"/>, or null when any is unknown (or none given).</summary>
    public static double? CpuSeconds(IReadOnlyList<int> pids)
    {
        double? total = pids.Count == 0 ? null : 0;
        foreach (var pid in pids)
        {
            total += CpuSeconds(pid);
        }

        return total;
    }
}
