using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using RapidTriage.Grains;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// How the gateway reaches the session grains. <c>Relay:Silo=Embedded</c> (the default, local mode) hosts a
/// silo in this process with in-memory storage (<see cref="InProcessGrainStorage"/>); this file is the only place the gateway uses the grains
/// assembly. <c>Relay:Silo=External</c> makes the gateway a pure Orleans client of separate silos.
/// </summary>
internal static class OrleansComposition
{
    /// <summary>The embedded silo's default silo-to-silo port (<c>Relay:Local:SiloPort</c>).</summary>
    public const int DefaultSiloPort = 11025;

    /// <summary>The embedded silo's default Orleans gateway port (<c>Relay:Local:GatewayPort</c>).</summary>
    public const int DefaultGatewayPort = 30025;

    public static WebApplicationBuilder AddRelayOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var silo = configuration.GetValue("Relay:Silo", "Embedded");
        if (string.Equals(silo, "External", StringComparison.OrdinalIgnoreCase))
        {
            builder.UseOrleansClient(client => ExternalCluster.Configure(client, configuration));
            return builder;
        }

        builder.UseOrleans(siloBuilder =>
        {
            // Not Orleans' usual 11111/30000: those are the cluster emulator's silo ports (deploy/local), and a
            // local gateway left running would hold them and break it.
            siloBuilder.UseLocalhostClustering(
                siloPort: configuration.GetValue("Relay:Local:SiloPort", DefaultSiloPort),
                gatewayPort: configuration.GetValue("Relay:Local:GatewayPort", DefaultGatewayPort),
                serviceId: "rapidtriage",
                clusterId: "rapidtriage-local");

            // Orleans' binary serializer instead of the default Newtonsoft JSON: the state never leaves this
            // process, and JSON (history bytes as base64) was a tenth of the relay's allocations under load.
            siloBuilder.Services.AddGrainStorage(SessionStorage.ProviderName, static (services, _) =>
                new InProcessGrainStorage(new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>())));

            // Write-behind guards against losing a silo while its storage lives on; here both share this
            // process, so it guards against nothing, yet it serialized every busy session's whole history
            // each second (the p99 stalls at 1k msg/s), and at a 5 minute period, 1000 sessions started
            // together all wrote theirs in the same second. No periodic write here: a session
            // still writes its state when it deactivates.
            if (configuration["Relay:History:FlushInterval"] is null)
            {
                siloBuilder.Services.PostConfigure<RapidTriage.Grains.SessionOptions>(options => options.History.FlushInterval = TimeSpan.MaxValue);
            }

            siloBuilder.AddRelaySessions(configuration);
        });
        return builder;
    }
}
