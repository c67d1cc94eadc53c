using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using RapidTriage.Grains;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// How the gateway reaches the session grains. <c>Relay:Silo=Embedded</c> (the default, local mode) hosts a
/// silo in this process with in-memory storage; this file is the only place the gateway uses the grains
/// assembly. <c>Relay:Silo=External</c> makes the gateway a pure Orleans client of separate silos.
/// </summary>
internal static class OrleansComposition
{
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
            siloBuilder.UseLocalhostClustering(
                siloPort: configuration.GetValue("Relay:Local:SiloPort", 11111),
                gatewayPort: configuration.GetValue("Relay:Local:GatewayPort", 30000),
                serviceId: "rapidtriage",
                clusterId: "rapidtriage-local");
            siloBuilder.AddMemoryGrainStorage(SessionStorage.ProviderName);

            // Orleans' binary serializer instead of the default Newtonsoft JSON: the state never leaves this
            // process, and JSON (history bytes as base64) was a tenth of the relay's allocations under load.
            siloBuilder.Services.AddOptions<MemoryGrainStorageOptions>(SessionStorage.ProviderName)
                .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));

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
