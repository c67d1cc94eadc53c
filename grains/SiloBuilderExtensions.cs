using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace RapidTriage.Grains;

/// <summary>Registers the session grain's settings on a silo; shared by the silo host and local mode.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Binds <see cref="SessionOptions"/> from <c>Relay</c> and lets idle sessions release their memory after
    /// <c>Relay:SessionIdleTimeout</c> (state stays in grain storage).
    /// </summary>
    public static ISiloBuilder AddRelaySessions(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var relay = configuration.GetSection("Relay");
        silo.Services.Configure<SessionOptions>(relay);
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<SessionMetrics>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<GatewayPresence>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<GatewayPresence>());
        silo.Services.AddSingleton<GatewayOutboxes>();
        silo.Services.AddOptions<SessionOptions>().Validate(o => o.Cluster.OutboxMaxBatchBytes > 0, "Relay:Cluster:OutboxMaxBatchBytes must be positive").ValidateOnStart();
        var idle = relay.GetValue("SessionIdleTimeout", TimeSpan.FromMinutes(15));
        silo.Configure<GrainCollectionOptions>(o =>
            o.ClassSpecificCollectionAge[typeof(SessionGrain).FullName!] = idle);
        return silo;
    }
}
