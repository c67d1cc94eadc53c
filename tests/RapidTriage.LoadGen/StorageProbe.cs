using System.Globalization;

namespace RapidTriage.LoadGen;

/// <summary>
/// Reads the silos' storage request counter (<c>rapidtriage.storage.requests</c>, meter <c>RapidTriage.Storage</c>)
/// from their Prometheus endpoints: a snapshot is the count so far per <c>kind method</c>, summed over the silos.
/// </summary>
internal static class StorageProbe
{
    private const string Series = "rapidtriage_storage_requests_total{";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>Counts so far by "kind method" (e.g. "blob PUT"), or null when the target has no endpoint or one fails.</summary>
    public static async Task<Dictionary<string, double>?> SnapshotAsync(Target target, CancellationToken cancellationToken)
    {
        if (target.StorageMetrics.Count == 0)
        {
            return null;
        }

        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var uri in target.StorageMetrics)
        {
            string text;
            try
            {
                text = await Http.GetStringAsync(uri, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Console.WriteLine($"note: storage counter unreadable at {uri}: {ex.Message}");
                return null;
            }

            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith(Series, StringComparison.Ordinal))
                {
                    continue;
                }

                var close = line.IndexOf('}', StringComparison.Ordinal);
                var labels = Labels(line[Series.Length..close]);
                var value = line[(close + 1)..].Trim().Split(' ')[0];
                var key = $"{labels.GetValueOrDefault("kind", "?")} {labels.GetValueOrDefault("method", "?")}";
                counts[key] = counts.GetValueOrDefault(key) + double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    /// <summary>What happened between two snapshots, per second of <paramref name="seconds"/>; null when either is missing.</summary>
    public static StorageRates? Rates(Dictionary<string, double>? before, Dictionary<string, double>? after, double seconds, double messages)
    {
        if (before is null || after is null || seconds <= 0)
        {
            return null;
        }

        var delta = after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key), StringComparer.Ordinal);
        var total = delta.Values.Sum();
        var writes = delta.Where(kv => IsWrite(kv.Key)).Sum(kv => kv.Value);
        return new StorageRates(
            Math.Round(total / seconds, 2),
            Math.Round(writes / seconds, 2),
            messages > 0 ? Math.Round(total / messages, 5) : null,
            delta.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / seconds, 2), StringComparer.Ordinal));
    }

    /// <summary>GET and HEAD read; every other method (PUT, POST, MERGE, PATCH, DELETE) changes storage.</summary>
    private static bool IsWrite(string key) => !key.EndsWith(" GET", StringComparison.Ordinal) && !key.EndsWith(" HEAD", StringComparison.Ordinal);

    private static Dictionary<string, string> Labels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                labels[part[..eq].Trim()] = part[(eq + 1)..].Trim().Trim('"');
            }
        }

        return labels;
    }
}
