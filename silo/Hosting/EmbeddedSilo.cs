using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using RapidTriage.Grains;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// The silo a gateway hosts in its own process (<c>Relay:Silo:Mode=Embedded</c>, local mode): localhost clustering and
/// <see cref="InProcessGrainStorage"/>, beside the same session grains and options as every relay silo.
/// </summary>
public static class EmbeddedSilo
{
    /// <summary>
    /// The embedded silo's default <c>Relay:Silo:SiloPort</c>. Not Orleans' usual 11111/30000: those are the cluster
    /// emulator's first silo (deploy/local), which a local relay left running would otherwise block.
    /// </summary>
    public const int DefaultSiloPort = 11025;

    /// <summary>The embedded silo's default <c>Relay:Silo:GatewayPort</c>.</summary>
    public const int DefaultGatewayPort = 30025;

    /// <summary>The embedded silo's defaults for <c>Relay:Silo</c>, applied before configuration.</summary>
    public static void Defaults(SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SiloPort = DefaultSiloPort;
        options.GatewayPort = DefaultGatewayPort;
    }

    /// <summary>
    /// Hosts the relay's silo here, on the ports of <paramref name="silo"/> (<c>Relay:Silo</c> as bound with
    /// <see cref="Defaults"/>). <paramref name="renewInterval"/> is the gateway's <c>Relay:Cluster:RenewInterval</c>,
    /// which the sessions' <c>Relay:Cluster:ObserverExpiry</c> must cover (<see cref="RenewIntervalRule"/>).
    /// </summary>
    public static ISiloBuilder UseEmbeddedSilo(this ISiloBuilder builder, IConfiguration configuration, SiloOptions silo, TimeSpan renewInterval)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(silo);
        builder.UseLocalhostClustering(siloPort: silo.SiloPort, gatewayPort: silo.GatewayPort, serviceId: "rapidtriage", clusterId: "rapidtriage-local");

        // Orleans' binary serializer: the state never leaves this process, and JSON would carry history bytes as base64.
        builder.Services.AddGrainStorage(SessionStorage.ProviderName, static (services, _) =>
            new InProcessGrainStorage(new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>())));

        // The storage lives and dies with this process, so a periodic write protects nothing: by default sessions
        // write their state only when they deactivate (Relay:History:FlushInterval, when set, still wins).
        return builder.AddRelaySilo(
            configuration,
            defaults: static o => o.History.FlushInterval = TimeSpan.MaxValue,
            rules: [new RenewIntervalRule(renewInterval)]);
    }
}
