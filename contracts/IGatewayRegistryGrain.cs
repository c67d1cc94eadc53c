using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>
/// One per cluster (key 0): every gateway says it is alive every <c>Relay:Cluster:BeatInterval</c>, and each silo
/// reads who went quiet, so a session learns that a gateway died in seconds, at no cost per session.
/// </summary>
public interface IGatewayRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>A gateway is alive (what gateways from before <see cref="BeatAndCheckSilence"/> call).</summary>
    Task Beat(string gatewayId);

    /// <summary>
    /// A gateway is alive. True when its previous beat is older than <c>Relay:Cluster:GatewayExpiry</c> (or the
    /// registry has not heard it for that long): silos may have declared it gone, and its sessions let its members
    /// leave, so it should renew every session it holds now rather than in its renewal sweep. A method of its own,
    /// not a new return type for <see cref="Beat"/>: during a rolling upgrade (silos first) old gateways keep calling
    /// <see cref="Beat"/> on new silos.
    /// </summary>
    Task<bool> BeatAndCheckSilence(string gatewayId);

    /// <summary>Every gateway heard from, with how long each has been silent.</summary>
    Task<GatewayRoll> Roll();
}

/// <param name="ListeningFor">How long this registry has been taking beats (it starts empty after its silo dies).</param>
/// <param name="SilentFor">Per gateway id: the time since its last beat.</param>
[GenerateSerializer, Immutable, Alias("rt.GatewayRoll")]
public sealed record GatewayRoll(
    [property: Id(0)] TimeSpan ListeningFor,
    [property: Id(1)] ImmutableDictionary<string, TimeSpan> SilentFor);
