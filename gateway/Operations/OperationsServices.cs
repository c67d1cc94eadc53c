using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Operations;

/// <summary>Health, metrics, drain and log hygiene of a gateway (README "Operations").</summary>
internal static class OperationsServices
{
    private const string ReadyTag = "ready";

    /// <summary>Orleans' own instruments, exported beside the relay's.</summary>
    private const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The session grains' meter, present when this gateway hosts an embedded silo.</summary>
    private const string SessionsMeter = "RapidTriage.Sessions";

    public static WebApplicationBuilder AddRelayOperations(this WebApplicationBuilder builder)
    {
        var relay = builder.Configuration.GetSection(RelayOptions.SectionName).Get<RelayOptions>() ?? new RelayOptions();

        // Kestrel waits for the drained sockets; the host must not give up on it first.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = relay.DrainWindow + (relay.CloseTimeout * 2) + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<RelayMetrics>();
        builder.Services.AddSingleton<DrainCoordinator>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<DrainCoordinator>());
        builder.Services.AddHealthChecks()
            .AddCheck<DrainReadyCheck>("drain", tags: [ReadyTag])
            .AddCheck<ClusterReadyCheck>("cluster", tags: [ReadyTag]);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RelayMetrics.MeterName, SessionsMeter, OrleansMeter)
            .AddRuntimeInstrumentation()
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());

        // These categories print request lines, query string included: a browser's ?access_token= would be logged.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning);
        return builder;
    }

    public static WebApplication MapRelayOperations(this WebApplication app)
    {
        // Made now, not at the first connection: its counters are on /metrics at 0 from the start.
        app.Services.GetRequiredService<RelayMetrics>();
        var port = app.Configuration.GetValue<int?>("Relay:Operations:Port");
        var live = app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static _ => false });
        var ready = app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(ReadyTag) });
        var metrics = app.MapPrometheusScrapingEndpoint();
        if (port is { } only)
        {
            live.RequireHost($"*:{only}");
            ready.RequireHost($"*:{only}");
            metrics.RequireHost($"*:{only}");
        }

        return app;
    }
}
