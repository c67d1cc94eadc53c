using RapidTriage.Contracts;
using RapidTriage.Gateway.Fanout;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// Cluster mode: tells the cluster this gateway is alive, once per <c>Relay:Cluster:BeatInterval</c>. When the
/// beats stop (the process died), every session lets this gateway's members leave within
/// <c>Relay:Cluster:GatewayExpiry</c> (a silo setting), whatever the number of sessions. When the registry answers
/// that a beat came after such a silence (this process was paused, or cut off from the silos, and may have been
/// declared gone), every session it holds is renewed at once: its members are put back, with what they missed,
/// instead of waiting for their turn in the renewal sweep (<c>Relay:Cluster:RenewInterval</c>).
/// </summary>
internal sealed partial class GatewayBeat(
    IGrainFactory grains, IServiceProvider services, GatewayIdentity identity, TimeSpan interval, ILogger<GatewayBeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registry = grains.GetGrain<IGatewayRegistryGrain>(0);
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                if (await registry.BeatAndCheckSilence(identity.GatewayId).WaitAsync(interval, stoppingToken))
                {
                    var sessions = services.GetRequiredService<GatewaySessions>();
                    LogBeatAfterSilence(sessions.Count);
                    _ = sessions.RenewAllAsync();
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogBeatFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The gateway registry had not heard this gateway for longer than the cluster's gateway expiry; renewing its {Count} sessions")]
    private partial void LogBeatAfterSilence(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A beat to the gateway registry failed; the next one retries")]
    private partial void LogBeatFailed(Exception ex);
}
