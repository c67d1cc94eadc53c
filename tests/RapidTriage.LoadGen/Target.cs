using System.Globalization;

namespace RapidTriage.LoadGen;

/// <summary>
/// A system under load: where producers and consumers connect (URL templates with <c>{session}</c>, so
/// producer and consumers may sit on different gateways), which process to measure, and which protocol.
/// Spec: <c>name=relay,producer=ws://h:p/extension-ws?sessionId={session},consumer=ws://h:p/mcp-ws?sessionId={session},pid=123,protocol=relay</c>.
/// A deployment of several processes (a cluster: gateways and silos) gives them all, <c>pid=1+2+3</c>: the first is
/// the one whose memory is measured; CPU time and allocations are the sum over all of them.
/// </summary>
internal sealed record Target(string Name, string ProducerUrl, string ConsumerUrl, IReadOnlyList<int> Pids, bool RelayProtocol)
{
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
        return new Target(
            values.GetValueOrDefault("name") ?? "target",
            producer,
            consumer,
            values.TryGetValue("pid", out var pids)
                ? [.. pids.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))]
                : [],
            string.Equals(protocol, "relay", StringComparison.OrdinalIgnoreCase));
    }

    public Uri Producer(string session) => new(ProducerUrl.Replace("{session}", session, StringComparison.Ordinal));

    public Uri Consumer(string session) => new(ConsumerUrl.Replace("{session}", session, StringComparison.Ordinal));

    public static string NewSession(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
