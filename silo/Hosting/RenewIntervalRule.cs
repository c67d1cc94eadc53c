using Microsoft.Extensions.Options;
using RapidTriage.Grains;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// Where one process binds both the gateway's <c>Relay:Cluster:RenewInterval</c> and the sessions' options (the
/// gateway's embedded silo): a session must not expire a live gateway between two of its renewals, and the
/// renewals must keep an occupied session active, so <c>Relay:Cluster:ObserverExpiry</c> and
/// <c>Relay:SessionIdleTimeout</c> must each cover at least <see cref="Renewals"/> of them.
/// </summary>
internal sealed class RenewIntervalRule(TimeSpan renewInterval) : IValidateOptions<SessionOptions>
{
    public const int Renewals = 3;

    public ValidateOptionsResult Validate(string? name, SessionOptions options)
    {
        var problems = new OptionsProblems(SessionOptionsValidator.SectionName);
        if (options.Cluster.ObserverExpiry < renewInterval * Renewals)
        {
            problems.Add($"Relay:Cluster:ObserverExpiry ({options.Cluster.ObserverExpiry}) must be at least {Renewals} x Relay:Cluster:RenewInterval ({renewInterval}), so that a live gateway is never expired between renewals.");
        }

        if (options.SessionIdleTimeout < renewInterval * Renewals)
        {
            problems.Add($"Relay:SessionIdleTimeout ({options.SessionIdleTimeout}) must be at least {Renewals} x Relay:Cluster:RenewInterval ({renewInterval}): renewals keep a session with members active.");
        }

        return problems.Result;
    }
}
