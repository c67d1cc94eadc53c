using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// One per silo: reads the <see cref="IGatewayRegistryGrain"/> every <see cref="ClusterOptions.PresencePoll"/>
/// and keeps the set of gateways silent for longer than <see cref="ClusterOptions.GatewayExpiry"/>. Sessions look
/// at it on every tick (no call) and let those gateways' members leave. It declares nobody gone while it cannot
/// read the registry, nor while the registry is younger than the expiry (it just moved to another silo and has
/// not heard every gateway yet): then sessions fall back to <see cref="ClusterOptions.ObserverExpiry"/>. A gateway
/// that never beats (local mode, where the gateway is the silo's own process) is never declared gone.
/// </summary>
internal sealed partial class GatewayPresence(
    IGrainFactory grains,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<GatewayPresence> logger) : BackgroundService
{
    private readonly ClusterOptions _options = options.Value.Cluster;
    private ImmutableHashSet<string> _gone = [];
    private long _lastRead;

    /// <summary>True when the gateway stopped beating: its members should leave.</summary>
    public bool IsGone(string gatewayId) =>
        _lastRead != 0 && time.GetElapsedTime(_lastRead) < _options.PresencePoll * 4 && _gone.Contains(gatewayId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PresencePoll, time);
        var registry = grains.GetGrain<IGatewayRegistryGrain>(0);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var roll = await registry.Roll().WaitAsync(_options.PresencePoll * 2, stoppingToken);
                var gone = roll.ListeningFor < _options.GatewayExpiry
                    ? []
                    : roll.SilentFor.Where(g => g.Value > _options.GatewayExpiry).Select(g => g.Key).ToImmutableHashSet(StringComparer.Ordinal);
                foreach (var id in gone.Except(_gone))
                {
                    LogGone(id, roll.SilentFor[id]);
                }

                _gone = gone;
                _lastRead = time.GetTimestamp();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Unknown is not gone: while the registry cannot be read, nobody is declared dead by it.
                LogReadFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} silent for {Silent}: its members leave their sessions")]
    private partial void LogGone(string gatewayId, TimeSpan silent);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the gateway registry failed")]
    private partial void LogReadFailed(Exception ex);
}
