using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using RapidTriage.Grains;

namespace RapidTriage.Silo.Operations;

/// <summary>
/// The silo's small Kestrel endpoint (<c>Relay:Silo:Urls</c>): <c>/healthz</c> (alive), <c>/readyz</c> (storage
/// answers and the membership sees this silo active), <c>/metrics</c> (Prometheus), and the Orleans dashboard
/// under <c>/dashboard</c> when <c>Relay:Dashboard:Enabled</c>, behind Basic authentication.
/// </summary>
internal static class SiloOperations
{
    private const string ReadyTag = "ready";
    private const string DashboardPath = "/dashboard";

    public static WebApplicationBuilder AddSiloOperations(this WebApplicationBuilder builder, OperationsSettings settings)
    {
        builder.WebHost.UseUrls(settings.Urls);
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<HttpAddressLog>();
        builder.Services.AddHealthChecks()
            .AddCheck<StorageReadyCheck>("storage", tags: [ReadyTag])
            .AddCheck<MembershipReadyCheck>("membership", tags: [ReadyTag]);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SessionMetrics.MeterName, StorageRequestCounter.MeterName, "Microsoft.Orleans")
            .AddRuntimeInstrumentation()
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static ISiloBuilder AddSiloDashboard(this ISiloBuilder silo, OperationsSettings settings)
    {
        if (settings.Dashboard is not null)
        {
            silo.AddDashboard();
        }

        return silo;
    }

    public static WebApplication MapSiloOperations(this WebApplication app, OperationsSettings settings)
    {
        if (settings.Dashboard is { } dashboard)
        {
            var auth = new DashboardAuth(dashboard.Username, dashboard.Password);
            app.UseWhen(
                static context => context.Request.Path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase),
                branch => branch.Use(auth.InvokeAsync));
            app.MapOrleansDashboard(routePrefix: DashboardPath);
        }

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
