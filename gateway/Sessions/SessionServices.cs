namespace RapidTriage.Gateway.Sessions;

/// <summary>Registers this gateway's per-session objects and their renewal sweep.</summary>
internal static class SessionServices
{
    public static IServiceCollection AddGatewaySessions(this IServiceCollection services)
    {
        services.AddSingleton<GatewaySessions>();
        services.AddHostedService<RenewalSweep>();
        return services;
    }
}
