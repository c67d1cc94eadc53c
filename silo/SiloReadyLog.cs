using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace RapidTriage.Silo;

/// <summary>
/// Logs one line once the silo has joined its cluster and accepts clients; <c>deploy/local/start.sh</c> and
/// the cluster tests wait for it.
/// </summary>
internal sealed partial class SiloReadyLog(
    IHostApplicationLifetime lifetime,
    ILocalSiloDetails silo,
    IOptions<ClusterOptions> cluster,
    ILogger<SiloReadyLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
            LogReady(silo.SiloAddress, silo.GatewayAddress, cluster.Value.ClusterId));
        lifetime.ApplicationStopping.Register(() => LogStopping(silo.SiloAddress));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo ready: {SiloAddress}, gateway {GatewayAddress}, cluster {ClusterId}")]
    private partial void LogReady(SiloAddress siloAddress, SiloAddress? gatewayAddress, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo stopping: {SiloAddress} hands its sessions over")]
    private partial void LogStopping(SiloAddress siloAddress);
}
