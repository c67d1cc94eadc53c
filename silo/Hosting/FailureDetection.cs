using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// How fast the cluster declares a killed silo dead: the largest part of a failover. These defaults take 1-2 s: a
/// probe every second (half of the 2 s timeout) and death after 2 misses; Orleans' own (5 s probe timeout, whose
/// adaptive period settles at half of it on a quiet network, and 3 missed probes) take 8-12 s. A live silo is not
/// declared dead by a slow probe alone: Orleans stretches the timeout while the prober itself is degraded
/// (thread-pool or GC stalls) and ignores failed probes while the connection to the probed silo still receives
/// messages. Any of Orleans' <c>ClusterMembershipOptions</c> can be set under <c>Relay:Silo:Membership</c>.
/// </summary>
internal static class FailureDetection
{
    public const string SectionName = "Relay:Silo:Membership";

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public const int NumMissedProbesLimit = 2;

    public static IServiceCollection AddFailureDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions(configuration, SectionName, new Validator(), static o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.NumMissedProbesLimit = NumMissedProbesLimit;
        });
        return services;
    }

    private sealed class Validator : IValidateOptions<ClusterMembershipOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClusterMembershipOptions options)
        {
            var problems = new OptionsProblems(SectionName);
            problems.Positive(nameof(options.ProbeTimeout), options.ProbeTimeout);
            problems.AtLeast(nameof(options.NumMissedProbesLimit), options.NumMissedProbesLimit, 1);
            return problems.Result;
        }
    }
}
