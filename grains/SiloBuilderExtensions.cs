using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace RapidTriage.Grains;

/// <summary>Registers the session grain's settings on a silo; the relay's silos call it through their composition.</summary>
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
        silo.Services.AddOptions<SessionOptions>().Bind(configuration.GetSection(SessionOptions.SectionName));
        silo.Services.AddSingleton<FlushBudget>();
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<SessionMetrics>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<GatewayPresence>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<GatewayPresence>());
        silo.Services.AddSingleton<GatewayOutboxes>();
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<SessionOptions>>(static (o, sessions) =>
            o.ClassSpecificCollectionAge[typeof(SessionGrain).FullName!] = sessions.Value.SessionIdleTimeout);
        return silo;
    }
}
