using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>Registers the options both processes bind, each with its validator, and the storage clients.</summary>
public static class RelayHosting
{
    /// <summary>Binds <c>Relay:Silo</c>; <paramref name="defaults"/> are this host's own (the embedded silo's ports).</summary>
    public static SiloOptions AddSiloOptions(this IServiceCollection services, IConfiguration configuration, Action<SiloOptions>? defaults = null) =>
        services.AddValidatedOptions(configuration, SiloOptions.SectionName, new SiloOptionsValidator(), defaults);

    /// <summary>Binds <c>Relay:Cluster:ClusterId</c> and <c>ServiceId</c> and gives them to Orleans.</summary>
    public static IServiceCollection AddClusterIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions(configuration, ClusterIdentityOptions.SectionName, new ClusterIdentityOptionsValidator());
        services.AddOptions<Orleans.Configuration.ClusterOptions>().Configure<IOptions<ClusterIdentityOptions>>(static (o, identity) =>
        {
            o.ClusterId = identity.Value.ClusterId;
            o.ServiceId = identity.Value.ServiceId;
        });
        return services;
    }

    /// <summary>Binds <c>Relay:Storage</c> and registers <see cref="StorageClients"/>.</summary>
    public static IServiceCollection AddRelayStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions(configuration, StorageOptions.SectionName, new StorageOptionsValidator());
        services.AddSingleton<StorageClients>();
        return services;
    }
}
