using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// Ready when a silo answers: a call to the management grain, which every silo hosts and answers from memory.
/// A gateway whose cluster is gone (or not yet found) cannot serve a session, so it takes no new sockets.
/// </summary>
internal sealed class ClusterReadyCheck(IGrainFactory grains, IOptions<RelayOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Operations.ReadyTimeout);
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, timeout.Token)
                .WaitAsync(timeout.Token);
            return HealthCheckResult.Healthy($"{hosts.Count} active silo(s)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster did not answer.", ex);
        }
    }
}
