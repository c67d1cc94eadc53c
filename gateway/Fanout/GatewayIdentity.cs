using System.Diagnostics;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Fanout;

/// <summary>Who this gateway process is: its id in rosters, its <c>serverId</c> in acks, its uptime.</summary>
internal sealed class GatewayIdentity(IOptions<RelayOptions> options)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public string GatewayId { get; } = options.Value.GatewayId is { Length: > 0 } configured
        ? configured
        : $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    public string ServerId => $"rapidtriage-orleans/{Version} {GatewayId}";

    public static string Version { get; } = typeof(GatewayIdentity).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public long UptimeMs => (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
}
