using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RapidTriage.LoadGen.Commands;

/// <summary>
/// <c>heap-diff</c>: compares two heaps by type, from the text of <c>dotnet-gcdump report FILE</c> for each (for example
/// the relay and the bare Kestrel baseline, each holding the connections scenario's idle connections open with
/// <c>--hold</c>), and prints where the first holds more, in bytes per connection. A type's fixed cost (a cache sized
/// at start-up) shows as well; the scenario's own figure, after minus before, leaves those out.
/// </summary>
internal static partial class HeapDiffCommand
{
    public static Command Create()
    {
        var first = new Option<string>("--report") { Description = "dotnet-gcdump report output of the heap to explain.", Required = true };
        var second = new Option<string>("--against") { Description = "dotnet-gcdump report output of the heap to compare with.", Required = true };
        var per = new Option<int>("--per") { Description = "Divide the differences by this many (connections held).", DefaultValueFactory = _ => 1 };
        var top = new Option<int>("--top") { Description = "How many types to print.", DefaultValueFactory = _ => 40 };
        var command = new Command("heap-diff", "Print which types one heap holds more of than another, from two dotnet-gcdump reports.")
        {
            first, second, per, top,
        };
        command.SetAction(parse =>
        {
            var (bytes, counts) = Read(parse.GetValue(first)!);
            var (otherBytes, otherCounts) = Read(parse.GetValue(second)!);
            var divisor = Math.Max(1, parse.GetValue(per));
            Console.WriteLine($"total: {bytes.Values.Sum():N0} B against {otherBytes.Values.Sum():N0} B, "
                + $"{(bytes.Values.Sum() - otherBytes.Values.Sum()) / (double)divisor:0.0} B more per {divisor:N0}");
            Console.WriteLine("   B each    objects  against  type");
            var differences = bytes.Keys.Union(otherBytes.Keys)
                .Select(type => (Type: type, Bytes: bytes.GetValueOrDefault(type) - otherBytes.GetValueOrDefault(type)))
                .OrderByDescending(d => d.Bytes)
                .Take(parse.GetValue(top));
            foreach (var (type, difference) in differences)
            {
                Console.WriteLine($"{difference / (double)divisor,9:0.0} {counts.GetValueOrDefault(type),9:N0} {otherCounts.GetValueOrDefault(type),8:N0}  "
                    + (type.Length > 140 ? type[..140] : type));
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Bytes and objects per type. The report lists a line per type and object size (<c>size count type [assembly]</c>);
    /// large objects come grouped, <c>total count type (Bytes &gt; 1M) [assembly]</c>, their first figure already a total.
    /// </summary>
    private static (Dictionary<string, long> Bytes, Dictionary<string, long> Counts) Read(string path)
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var match = Line().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var size = long.Parse(match.Groups["size"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var count = long.Parse(match.Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var type = match.Groups["type"].Value;
            bytes[type] = bytes.GetValueOrDefault(type) + (match.Groups["group"].Success ? size : size * count);
            counts[type] = counts.GetValueOrDefault(type) + count;
        }

        if (bytes.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no lines of a dotnet-gcdump report (size, count, type)");
        }

        return (bytes, counts);
    }

    [GeneratedRegex(@"^\s+(?<size>[\d,]+)\s+(?<count>[\d,]+)\s+(?<type>.+?)(?<group> \(Bytes > \S+\))?\s+\[[^\]]*\]\s*$")]
    private static partial Regex Line();
}
