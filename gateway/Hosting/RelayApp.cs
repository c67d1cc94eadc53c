using RapidTriage.Gateway.Api;
using RapidTriage.Gateway.BrowserTools;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Mcp;
using RapidTriage.Gateway.Operations;
using RapidTriage.Gateway.Options;
using RapidTriage.Gateway.Viewer;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Hosting;

/// <summary>Builds the gateway application; <c>Program</c> runs it and tests host it on loopback.</summary>
public static class RelayApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.MapRenamedKeys(OrleansComposition.RenamedKeys);
        var relay = builder.Services.AddValidatedOptions(builder.Configuration, RelayOptions.SectionName, new RelayOptionsValidator());
        builder.AddRelay(relay);
        builder.AddRelayOrleans(relay);
        builder.AddRelayOperations(relay);
        builder.AddSessionViewer();
        builder.AddRelayMcp();
        builder.AddBrowserTools();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseForwardedClients();
        app.UseLoopbackHostFilter();
        app.UseSocketLiveness();
        app.UseWebSockets();
        app.UseRateLimiter();
        app.MapRelay();
        app.MapSessionApi();
        app.MapRelayMcp();
        app.MapRelayInfo();
        app.MapSessionViewer();
        app.MapRelayOperations();
        app.MapBrowserTools();
        return app;
    }
}
