using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RapidTriage.Gateway.Operations;

/// <summary>Not ready once draining: load balancers stop sending new sockets while the old ones are closed.</summary>
internal sealed class DrainReadyCheck(DrainCoordinator drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy("Draining.") : HealthCheckResult.Healthy());
}
