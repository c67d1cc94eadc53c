using RapidTriage.Contracts;
using RapidTriage.Gateway.Fanout;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// Cluster mode: tells the cluster this gateway is alive, once per <c>Relay:Cluster:BeatInterval</c>. When the
/// beats stop (the process died), every session lets this gateway's members leave within
/// <c>Relay:Cluster:GatewayExpiry</c> (a silo setting), whatever the number of sessions.
/// </summary>
internal sealed partial class GatewayBeat(IGrainFactory grains, GatewayIdentity identity, TimeSpan interval, ILogger<GatewayBeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registry = grains.GetGrain<IGatewayRegistryGrain>(0);
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await registry.Beat(identity.GatewayId).WaitAsync(interval, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogBeatFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A beat to the gateway registry failed; the next one retries")]
    private partial void LogBeatFailed(Exception ex);
}
