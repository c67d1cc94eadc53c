using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Options;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Operations;

/// <summary>Health, metrics, drain and log hygiene of a gateway (README "Operations").</summary>
internal static class OperationsServices
{
    /// <summary>The session grains' meter, present when this gateway hosts an embedded silo.</summary>
    private const string SessionsMeter = "RapidTriage.Sessions";

    /// <summary>Uses <paramref name="relay"/>, the bound <c>Relay</c> section, for the shutdown timeout and the log scrubber.</summary>
    public static WebApplicationBuilder AddRelayOperations(this WebApplicationBuilder builder, RelayOptions relay)
    {
        // Kestrel waits for the drained sockets; the host must not give up on it first.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = relay.DrainWindow + (relay.CloseTimeout * 2) + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<RelayMetrics>();
        builder.Services.AddSingleton<DrainCoordinator>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<DrainCoordinator>());
        builder.Services.AddHealthChecks()
            .AddCheck<DrainReadyCheck>("drain", tags: [HealthAndMetrics.ReadyTag])
            .AddCheck<ClusterReadyCheck>("cluster", tags: [HealthAndMetrics.ReadyTag]);
        builder.Services.AddRelayMetrics(RelayMetrics.MeterName, SessionsMeter, StorageRequestCounter.MeterName, HealthAndMetrics.OrleansMeter);

        // These categories print request lines, query string included: a browser's ?access_token= would be logged.
        // The filters keep them quiet by default; the scrubbing factory makes sure whatever the configuration.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning);
        var scrubber = new TextRedactor(new CredentialNames(relay.Redaction));
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new CredentialScrubbingLoggerFactory(
            new LoggerFactory(
                sp.GetServices<ILoggerProvider>(),
                sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                sp.GetService<IOptions<LoggerFactoryOptions>>(),
                sp.GetService<IExternalScopeProvider>()),
            scrubber)));
        return builder;
    }

    public static WebApplication MapRelayOperations(this WebApplication app)
    {
        // Made now, not at the first connection: its counters are on /metrics at 0 from the start.
        app.Services.GetRequiredService<RelayMetrics>();
        var port = app.Services.GetRequiredService<IOptions<RelayOptions>>().Value.Operations.Port;

        // Kept to the operations port by the socket's local port, not the Host header: a client of the public port
        // could name any port there.
        app.MapHealthAndMetrics(port is null ? null : static endpoint => endpoint.WithMetadata(OperationsPort.Marker));
        if (port is { } only)
        {
            app.UseOperationsPort(only);
        }

        return app;
    }
}
