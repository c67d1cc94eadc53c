using Microsoft.Extensions.Options;
using RapidTriage.Grains;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// Where one process binds both the gateway's <c>Relay:Cluster:RenewInterval</c> and the sessions'
/// <c>Relay:Cluster:ObserverExpiry</c> (the gateway's embedded silo): a session must not expire a live gateway
/// between two of its renewals, so the expiry must cover at least <see cref="Renewals"/> of them.
/// </summary>
internal sealed class RenewIntervalRule(TimeSpan renewInterval) : IValidateOptions<SessionOptions>
{
    public const int Renewals = 3;

    public ValidateOptionsResult Validate(string? name, SessionOptions options) =>
        options.Cluster.ObserverExpiry >= renewInterval * Renewals
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Relay:Cluster:ObserverExpiry ({options.Cluster.ObserverExpiry}) must be at least {Renewals} x Relay:Cluster:RenewInterval ({renewInterval}), so that a live gateway is never expired between renewals.");
}
