namespace RapidTriage.Contracts;

/// <summary>
/// A stateless grain for readiness probes: a gateway is ready when a silo runs this, which touches no storage.
/// </summary>
public interface IRelayHealthGrain : IGrainWithIntegerKey
{
    /// <summary>Answers with the silo that ran the call.</summary>
    Task<string> Ping();
}
