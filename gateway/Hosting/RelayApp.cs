using RapidTriage.Gateway.Api;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Mcp;
using RapidTriage.Gateway.Operations;
using RapidTriage.Gateway.Viewer;

namespace RapidTriage.Gateway.Hosting;

/// <summary>Builds the gateway application; <c>Program</c> runs it and tests host it on loopback.</summary>
public static class RelayApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddRelay();
        builder.AddRelayOrleans();
        builder.AddRelayOperations();
        builder.AddSessionViewer();
        builder.AddRelayMcp();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseLoopbackHostFilter();
        app.UseWebSockets();
        app.MapRelay();
        app.MapSessionApi();
        app.MapRelayMcp();
        app.MapRelayInfo();
        app.MapSessionViewer();
        app.MapRelayOperations();
        return app;
    }
}
