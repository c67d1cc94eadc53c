using System.Collections.Immutable;

namespace RapidTriage.Grains;

/// <summary>
/// What a silo tells its own session activations (the same grains as <see cref="Contracts.ISessionGrain"/>);
/// gateways never call it.
/// </summary>
public interface ISessionMaintenance : IGrainWithStringKey
{
    /// <summary>
    /// These gateways stopped beating (<see cref="GatewayPresence"/>): their members leave the session
    /// (<c>member-left</c>) and are announced again if their gateway renews them after all.
    /// </summary>
    Task GatewaysGone(ImmutableArray<string> gatewayIds);
}
