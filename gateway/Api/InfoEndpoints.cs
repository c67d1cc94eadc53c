using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Fanout;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Api;

/// <summary><c>GET /</c>: what this relay is and where to connect, for a person with curl.</summary>
internal static class InfoEndpoints
{
    private static readonly string[] Endpoints =
        ["/extension-ws", "/mcp-ws", "/tunnel/{sessionId}", "/api/sessions/{id}", "/api/sessions/{id}/events"];

    public static IEndpointRouteBuilder MapRelayInfo(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (IOptions<RelayOptions> options, GatewayIdentity identity) => Results.Json(new
        {
            name = "rapidtriage-relay",
            version = GatewayIdentity.Version,
            serverId = identity.ServerId,
            mode = options.Value.Mode.ToString(),
            endpoints = Endpoints,
        }));
        return app;
    }
}
