using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// The health and metrics endpoints of both processes: <c>/healthz</c> (the process answers), <c>/readyz</c> (every
/// check tagged <see cref="ReadyTag"/> passes) and <c>/metrics</c> (Prometheus text of the named meters, the .NET
/// runtime and ASP.NET Core).
/// </summary>
public static class HealthAndMetrics
{
    public const string ReadyTag = "ready";

    /// <summary>Orleans' own instruments.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddRelayMetrics(this IServiceCollection services, params string[] meters)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(meters)
            .AddRuntimeInstrumentation()
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps the three endpoints; <paramref name="configure"/> is applied to each (e.g. to keep them to one port).</summary>
    public static IEndpointRouteBuilder MapHealthAndMetrics(this IEndpointRouteBuilder app, Action<IEndpointConventionBuilder>? configure = null)
    {
        IEndpointConventionBuilder[] endpoints =
        [
            app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static _ => false }),
            app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(ReadyTag) }),
            app.MapPrometheusScrapingEndpoint(),
        ];
        if (configure is not null)
        {
            foreach (var endpoint in endpoints)
            {
                configure(endpoint);
            }
        }

        return app;
    }
}
