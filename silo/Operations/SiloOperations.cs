using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using RapidTriage.Grains;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Silo.Operations;

/// <summary>
/// The silo's small Kestrel endpoint (<c>Relay:Silo:Urls</c>): <c>/healthz</c> (alive), <c>/readyz</c> (storage
/// answers and the membership sees this silo active), <c>/metrics</c> (Prometheus), and the Orleans dashboard
/// under <c>/dashboard</c> when <c>Relay:Dashboard:Enabled</c>, behind Basic authentication.
/// </summary>
internal static class SiloOperations
{
    private const string DashboardPath = "/dashboard";

    /// <returns>The dashboard's settings, for the silo to add it when enabled.</returns>
    public static DashboardOptions AddSiloOperations(this WebApplicationBuilder builder, SiloOptions silo)
    {
        var dashboard = builder.Services.AddValidatedOptions(builder.Configuration, DashboardOptions.SectionName, new DashboardOptionsValidator());
        builder.WebHost.UseUrls(silo.Urls);
        builder.Services.AddHostedService<HttpAddressLog>();
        builder.Services.AddHealthChecks()
            .AddCheck<StorageReadyCheck>("storage", tags: [HealthAndMetrics.ReadyTag])
            .AddCheck<MembershipReadyCheck>("membership", tags: [HealthAndMetrics.ReadyTag]);
        builder.Services.AddRelayMetrics(SessionMetrics.MeterName, StorageRequestCounter.MeterName, HealthAndMetrics.OrleansMeter);
        return dashboard;
    }

    public static ISiloBuilder AddSiloDashboard(this ISiloBuilder silo, DashboardOptions dashboard)
    {
        if (dashboard.Enabled)
        {
            silo.AddDashboard();
        }

        return silo;
    }

    public static WebApplication MapSiloOperations(this WebApplication app)
    {
        var dashboard = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (dashboard.Enabled)
        {
            var auth = new DashboardAuth(dashboard.Username, dashboard.Password!);
            app.UseWhen(
                static context => context.Request.Path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase),
                branch => branch.Use(auth.InvokeAsync));
            app.MapOrleansDashboard(routePrefix: DashboardPath);
        }

        app.MapHealthAndMetrics();
        return app;
    }
}
