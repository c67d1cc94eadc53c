using System.Globalization;
using System.Runtime.InteropServices;

namespace RapidTriage.LoadGen;

/// <summary>Describes this machine for the report.</summary>
internal static class MachineInfoReader
{
    public static MachineInfo Read(string note)
    {
        var memoryGiB = 0.0;
        var cpu = "unknown";
        if (File.Exists("/proc/meminfo"))
        {
            var total = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (total is not null)
            {
                var kb = long.Parse(total["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                memoryGiB = Math.Round(kb / 1024.0 / 1024.0, 1);
            }
        }

        if (File.Exists("/proc/cpuinfo"))
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                cpu = model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        return new MachineInfo(Environment.ProcessorCount, memoryGiB, cpu, RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, note);
    }
}
