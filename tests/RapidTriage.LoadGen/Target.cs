using System.Globalization;

namespace RapidTriage.LoadGen;

/// <summary>
/// A system under load: where producers and consumers connect (URL templates with <c>{session}</c>, so
/// producer and consumers may sit on different gateways), which process to measure, and which protocol.
/// Spec: <c>name=relay,producer=ws://h:p/extension-ws?sessionId={session},consumer=ws://h:p/mcp-ws?sessionId={session},pid=123,protocol=relay</c>.
/// A deployment of several processes (a cluster: gateways and silos) gives them all, <c>pid=1+2+3</c>: the first is
/// the one whose memory is measured; CPU time and allocations are the sum over all of them. Optional:
/// <c>roles=gateway+gateway+silo+silo</c> names each pid's role (CPU and memory are then also given per role), and
/// <c>storage=http://127.0.0.1:P/metrics+...</c> are the silos' Prometheus endpoints whose
/// <c>rapidtriage_storage_requests_total</c> counts the storage operations.
/// </summary>
internal sealed record Target(string Name, string ProducerUrl, string ConsumerUrl, IReadOnlyList<int> Pids, bool RelayProtocol)
{
    public const string GatewayRole = "gateway";
    public const string SiloRole = "silo";

    /// <summary>The role of each of <see cref="Pids"/> (same order), or empty when not given.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Prometheus endpoints of the processes that talk to storage (the silos), or empty.</summary>
    public IReadOnlyList<Uri> StorageMetrics { get; init; } = [];

    /// <summary>The pids whose role is <paramref name="role"/>.</summary>
    public IReadOnlyList<int> PidsOf(string role) =>
        [.. Pids.Where((_, i) => i < Roles.Count && string.Equals(Roles[i], role, StringComparison.Ordinal))];

    /// <summary>The process whose memory and GC heap are measured (the gateway the connections land on), or null.</summary>
    public int? Pid => Pids.Count > 0 ? Pids[0] : null;

    public static Target Parse(string spec)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new FormatException($"Target part '{part}' is not key=value.");
            }

            values[part[..at]] = part[(at + 1)..];
        }

        var producer = values.GetValueOrDefault("producer") ?? throw new FormatException("A target needs producer=<ws url>.");
        var consumer = values.GetValueOrDefault("consumer") ?? producer;
        foreach (var url in new[] { producer, consumer })
        {
            var host = new Uri(url.Replace("{session}", "s", StringComparison.Ordinal)).Host;
            if (host is not ("127.0.0.1" or "localhost" or "[::1]" or "::1") && !host.StartsWith("127.", StringComparison.Ordinal))
            {
                throw new FormatException($"Load goes to loopback only; '{host}' is not.");
            }
        }

        var protocol = values.GetValueOrDefault("protocol") ?? "relay";
        var roles = values.TryGetValue("roles", out var roleList) ? roleList.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        var storage = values.TryGetValue("storage", out var storageList)
            ? storageList.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToArray()
            : [];
        foreach (var uri in storage)
        {
            if (!uri.IsLoopback)
            {
                throw new FormatException($"Storage metrics are read on loopback only; '{uri}' is not.");
            }
        }

        var target = new Target(
            values.GetValueOrDefault("name") ?? "target",
            producer,
            consumer,
            values.TryGetValue("pid", out var pids)
                ? [.. pids.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))]
                : [],
            string.Equals(protocol, "relay", StringComparison.OrdinalIgnoreCase))
        {
            Roles = roles,
            StorageMetrics = storage,
        };
        if (roles.Length > 0 && roles.Length != target.Pids.Count)
        {
            throw new FormatException($"roles= names {roles.Length} roles for {target.Pids.Count} pids.");
        }

        return target;
    }

    public Uri Producer(string session) => new(ProducerUrl.Replace("{session}", session, StringComparison.Ordinal));

    public Uri Consumer(string session) => new(ConsumerUrl.Replace("{session}", session, StringComparison.Ordinal));

    public static string NewSession(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
