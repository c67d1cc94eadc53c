using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Fanout;

/// <summary>
/// Renews this gateway's subscription to every session it holds a connection in, listing those
/// connections. A session whose gateway stops renewing expires it and its members leave.
/// </summary>
internal sealed partial class SubscriptionRenewer(
    ConnectionRegistry registry,
    SessionFanout fanout,
    IGrainFactory grains,
    GatewayIdentity identity,
    IOptions<RelayOptions> options,
    ILogger<SubscriptionRenewer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Cluster.RenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var renewals = registry.All
                .GroupBy(c => c.SessionId, StringComparer.Ordinal)
                .Select(g => RenewAsync(g.Key, [.. g.Select(c => c.Member)]));
            await Task.WhenAll(renewals);
        }
    }

    private async Task RenewAsync(string sessionId, MemberInfo[] members)
    {
        try
        {
            await grains.GetGrain<ISessionGrain>(sessionId).Renew(identity.GatewayId, fanout.Reference, [.. members]);
        }
        catch (Exception ex)
        {
            LogRenewFailed(ex, sessionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the subscription to session {SessionId} failed; next tick retries")]
    private partial void LogRenewFailed(Exception ex, string sessionId);
}
