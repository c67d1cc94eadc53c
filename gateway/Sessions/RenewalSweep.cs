using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Sessions;

/// <summary>
/// The safety net under the renewals that happen when needed (after a silo loss, on a NotMember answer): every
/// session this gateway holds is renewed once per <c>Relay:Cluster:RenewInterval</c>, one after another spread
/// over the interval (<see cref="RollingSweep{T}"/>), never all at the same instant.
/// </summary>
internal sealed class RenewalSweep(GatewaySessions sessions, IOptions<RelayOptions> options, TimeProvider time) : IHostedService, IDisposable
{
    private RollingSweep<GatewaySession>? _sweep;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sweep = new RollingSweep<GatewaySession>(sessions.Snapshot, static s => _ = s.RenewAsync(), options.Value.Cluster.RenewInterval, time);
        _sweep.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _sweep?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _sweep?.Dispose();
}
