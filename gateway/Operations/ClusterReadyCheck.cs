using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// Ready when a silo runs a grain call: a stateless grain that touches no storage, so a storage outage (which the
/// silos report themselves) does not take every gateway out too. A gateway whose cluster is gone cannot serve a
/// session, so it takes no new sockets.
/// </summary>
internal sealed class ClusterReadyCheck(IGrainFactory grains, IOptions<RelayOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Operations.ReadyTimeout);
            var silo = await grains.GetGrain<IRelayHealthGrain>(0).Ping().WaitAsync(timeout.Token);
            return HealthCheckResult.Healthy($"answered by {silo}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster did not answer.", ex);
        }
    }
}
