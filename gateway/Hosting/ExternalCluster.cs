using Orleans.Configuration;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// The Orleans client of a gateway in front of separate silos (<c>Relay:Silo=External</c>): it finds the silos
/// in the same Azure Table the silos register in, and knows nothing of the grains but their interfaces.
/// </summary>
internal static class ExternalCluster
{
    public static void Configure(IClientBuilder client, IConfiguration configuration)
    {
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = configuration.GetValue("Relay:Cluster:ClusterId", "rapidtriage")!;
            o.ServiceId = configuration.GetValue("Relay:Cluster:ServiceId", "rapidtriage")!;
        });

        // A gateway whose silos are all gone (a full restart) must find the new ones soon, not a minute later.
        client.Configure<GatewayOptions>(o =>
            o.GatewayListRefreshPeriod = configuration.GetValue("Relay:Cluster:GatewayListRefreshPeriod", TimeSpan.FromSeconds(5)));
        client.UseAzureStorageClustering(o => o.TableServiceClient = StorageClients.Tables(configuration));

        // A call in flight when its silo dies is answered by nobody: it fails after this, and meanwhile holds up
        // the connection that made it. Orleans' 30 s default is longer than any relay call should take; a session
        // activating from storage on another silo takes well under a second.
        client.Configure<ClientMessagingOptions>(o =>
            o.ResponseTimeout = configuration.GetValue("Relay:Cluster:ResponseTimeout", TimeSpan.FromSeconds(5)));

        // A lost silo connection starts a renewal of every session, retried until each answers (SiloLossWatcher).
        var retry = configuration.GetValue("Relay:Cluster:SiloLossRetry", TimeSpan.FromMilliseconds(250));
        var attempt = configuration.GetValue("Relay:Cluster:SiloLossAttempt", TimeSpan.FromSeconds(1));
        var window = configuration.GetValue("Relay:Cluster:SiloLossWindow", TimeSpan.FromSeconds(30));
        if (retry <= TimeSpan.Zero || attempt <= TimeSpan.Zero || window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Relay:Cluster:SiloLossRetry, SiloLossAttempt and SiloLossWindow must be positive.");
        }

        client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp =>
            new SiloLossWatcher(sp, retry, attempt, window, sp.GetRequiredService<ILogger<SiloLossWatcher>>()));

        // Beats: the cluster's way to notice this gateway died, in Relay:Cluster:GatewayExpiry (silo setting, 3 s).
        var beat = configuration.GetValue("Relay:Cluster:BeatInterval", TimeSpan.FromSeconds(1));
        if (beat <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Relay:Cluster:BeatInterval must be positive.");
        }

        client.Services.AddHostedService(sp => new GatewayBeat(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<Fanout.GatewayIdentity>(), beat, sp.GetRequiredService<ILogger<GatewayBeat>>()));

        // Started before its silos (deploy scripts, a restart), a gateway waits for them instead of exiting.
        client.UseConnectionRetryFilter(static async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
    }
}
