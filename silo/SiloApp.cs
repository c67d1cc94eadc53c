using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidTriage.Silo.Hosting;
using RapidTriage.Silo.Operations;

namespace RapidTriage.Silo;

/// <summary>
/// Builds a silo process: the relay's silo composition (<see cref="RelaySilo"/>) on Azure Table clustering and Azure
/// Blob grain storage, its endpoints from <c>Relay:Silo</c>, and its health, metrics and dashboard. SIGTERM stops it
/// gracefully: sessions deactivate and write a final snapshot, so the next activation elsewhere keeps their epoch.
/// </summary>
public static class SiloApp
{
    public static IHost Build(string[] args)
    {
        // appsettings.json is read from beside the binary, wherever the process is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configuration = builder.Configuration;
        var silo = builder.Services.AddSiloOptions(configuration);
        var dashboard = builder.AddSiloOperations(silo);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);
        builder.Services.AddHostedService<SiloReadyLog>();
        builder.UseOrleans(siloBuilder =>
        {
            siloBuilder.ConfigureEndpoints(AdvertisedAddress.Parse(silo.AdvertisedAddress), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: silo.ListenOnAnyAddress);
            siloBuilder.UseAzureStorage(configuration);
            siloBuilder.AddRelaySilo(configuration);
            siloBuilder.AddSiloDashboard(dashboard);
        });
        var app = builder.Build();
        app.MapSiloOperations();
        return app;
    }
}
