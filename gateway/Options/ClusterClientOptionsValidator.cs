using Microsoft.Extensions.Options;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Options;

/// <summary>Checks <see cref="ClusterClientOptions"/> at start: every period positive.</summary>
internal sealed class ClusterClientOptionsValidator : IValidateOptions<ClusterClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterClientOptions options)
    {
        var problems = new OptionsProblems(ClusterClientOptions.SectionName);
        problems.Positive(nameof(options.GatewayListRefreshPeriod), options.GatewayListRefreshPeriod);
        problems.Positive(nameof(options.ResponseTimeout), options.ResponseTimeout);
        problems.Positive(nameof(options.BeatInterval), options.BeatInterval);
        problems.Positive(nameof(options.SiloLossRetry), options.SiloLossRetry);
        problems.Positive(nameof(options.SiloLossAttempt), options.SiloLossAttempt);
        problems.Positive(nameof(options.SiloLossWindow), options.SiloLossWindow);
        return problems.Result;
    }
}
