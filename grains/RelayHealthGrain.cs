using Orleans.Concurrency;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>Runs on the silo that receives the call (a stateless worker), so a probe measures that silo and nothing else.</summary>
[StatelessWorker(1)]
internal sealed class RelayHealthGrain : Grain, IRelayHealthGrain
{
    public Task<string> Ping() => Task.FromResult(RuntimeIdentity);
}
