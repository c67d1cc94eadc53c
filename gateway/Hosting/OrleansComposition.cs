using RapidTriage.Gateway.Options;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// How the gateway reaches the session grains. <c>Relay:Silo:Mode=Embedded</c> (the default, local mode) hosts the
/// relay's silo composition in this process (<see cref="EmbeddedSilo"/>); <c>External</c> makes the gateway a pure
/// Orleans client of separate silos (<see cref="ExternalCluster"/>).
/// </summary>
internal static class OrleansComposition
{
    /// <summary>Keys renamed so that each setting has one name; the old names still work, with a warning at start.</summary>
    public static readonly RenamedKey[] RenamedKeys =
    [
        new("Relay:Silo", "Relay:Silo:Mode"),
        new("Relay:Local:SiloPort", "Relay:Silo:SiloPort"),
        new("Relay:Local:GatewayPort", "Relay:Silo:GatewayPort"),
    ];

    public static WebApplicationBuilder AddRelayOrleans(this WebApplicationBuilder builder, RelayOptions relay)
    {
        var configuration = builder.Configuration;
        var silo = builder.Services.AddSiloOptions(configuration, EmbeddedSilo.Defaults);
        if (silo.Mode == SiloMode.External)
        {
            builder.Services.AddValidatedOptions(configuration, ClusterClientOptions.SectionName, new ClusterClientOptionsValidator());
            builder.UseOrleansClient(client => client.UseExternalCluster(configuration));
            return builder;
        }

        builder.UseOrleans(siloBuilder => siloBuilder.UseEmbeddedSilo(configuration, silo, relay.Cluster.RenewInterval));
        return builder;
    }
}
