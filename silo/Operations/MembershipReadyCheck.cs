using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RapidTriage.Silo.Operations;

/// <summary>Ready while the cluster's membership sees this silo as active (joined, not shutting down or declared dead).</summary>
internal sealed class MembershipReadyCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{membership.CurrentSnapshot.Members.Count(m => m.Value.Status == SiloStatus.Active)} active silo(s)")
            : HealthCheckResult.Unhealthy($"This silo is {status} in the membership."));
    }
}
