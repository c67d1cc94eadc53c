using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RapidTriage.Gateway.Fanout;
using RapidTriage.Gateway.Options;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// The Orleans client of a gateway in front of separate silos (<c>Relay:Silo:Mode=External</c>): it finds the silos
/// in the same Azure Table the silos register in (<c>Relay:Storage</c>, <c>Relay:Cluster:ClusterId</c>), and knows
/// nothing of the grains but their interfaces. Its timings are <see cref="ClusterClientOptions"/>.
/// </summary>
internal static class ExternalCluster
{
    public static IClientBuilder UseExternalCluster(this IClientBuilder client, IConfiguration configuration)
    {
        client.Services.AddClusterIdentity(configuration);
        client.Services.AddRelayStorage(configuration);
        client.UseAzureStorageClustering(options => options.Configure<StorageClients>(static (o, storage) => o.TableServiceClient = storage.Tables()));
        client.Services.AddOptions<GatewayOptions>().Configure<IOptions<ClusterClientOptions>>(static (o, cluster) =>
            o.GatewayListRefreshPeriod = cluster.Value.GatewayListRefreshPeriod);
        client.Services.AddOptions<ClientMessagingOptions>().Configure<IOptions<ClusterClientOptions>>(static (o, cluster) =>
            o.ResponseTimeout = cluster.Value.ResponseTimeout);

        // A lost silo connection starts a renewal of every session, retried until each answers.
        client.Services.AddSingleton<IClusterConnectionStatusObserver>(static sp =>
        {
            var cluster = sp.GetRequiredService<IOptions<ClusterClientOptions>>().Value;
            return new SiloLossWatcher(sp, cluster.SiloLossRetry, cluster.SiloLossAttempt, cluster.SiloLossWindow, sp.GetRequiredService<ILogger<SiloLossWatcher>>());
        });

        // Beats: the cluster's way to notice this gateway died, in Relay:Cluster:GatewayExpiry (a silo setting).
        client.Services.AddHostedService(static sp => new GatewayBeat(
            sp.GetRequiredService<IGrainFactory>(),
            sp,
            sp.GetRequiredService<GatewayIdentity>(),
            sp.GetRequiredService<IOptions<ClusterClientOptions>>().Value.BeatInterval,
            sp.GetRequiredService<ILogger<GatewayBeat>>()));

        // Started before its silos (deploy scripts, a restart), a gateway waits for them instead of exiting.
        client.UseConnectionRetryFilter(static async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        return client;
    }
}
