using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace RapidTriage.Silo;

/// <summary>
/// How fast the cluster declares a killed silo dead: the largest part of a failover. Orleans' defaults (5 s
/// probe timeout, whose adaptive period settles at half of it on a quiet network, and 3 missed probes) took
/// 8-12 s; these take 1-2 s: a probe every second (half of the 2 s timeout) and death after 2 misses. A live
/// silo is not declared dead by a slow probe alone: Orleans stretches the timeout while the prober itself is
/// degraded (thread-pool or GC stalls) and ignores failed probes while the connection to the probed silo is
/// still receiving messages. <c>Relay:Silo:Membership:*</c> overrides any of them.
/// </summary>
internal static class FailureDetection
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public const int NumMissedProbesLimit = 2;

    public static void AddFailureDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.NumMissedProbesLimit = NumMissedProbesLimit;
        });

        // Registered after the defaults, so configuration wins.
        services.Configure<ClusterMembershipOptions>(configuration.GetSection("Relay:Silo:Membership"));
    }
}
