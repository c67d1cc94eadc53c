using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Operations;

namespace RapidTriage.Gateway.Api;

/// <summary>The three WebSocket endpoints (docs/protocol.md section 1).</summary>
internal static class RelayEndpoints
{
    public static IEndpointRouteBuilder MapRelay(this IEndpointRouteBuilder app)
    {
        app.Map(Handshake.Endpoint.Extension.Path, (HttpContext context) => AcceptAsync(context, Handshake.Endpoint.Extension, null));
        app.Map(Handshake.Endpoint.Mcp.Path, (HttpContext context) => AcceptAsync(context, Handshake.Endpoint.Mcp, null));
        app.Map(Handshake.Endpoint.Tunnel.Path, (HttpContext context, string sessionId) => AcceptAsync(context, Handshake.Endpoint.Tunnel, sessionId));
        return app;
    }

    private static async Task AcceptAsync(HttpContext context, Handshake.Endpoint endpoint, string? pathSessionId)
    {
        var services = context.RequestServices;
        var drain = services.GetRequiredService<DrainCoordinator>();
        if (drain.IsDraining)
        {
            // Load balancers retry elsewhere; a client reconnecting after 1012 lands on another gateway.
            services.GetRequiredService<RelayMetrics>().RefusedWhileDraining();
            services.GetRequiredService<RefusalLog>().Refused(context, StatusCodes.Status503ServiceUnavailable, "draining");
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync("This gateway is shutting down; connect to another.\n", context.RequestAborted);
            return;
        }

        var outcome = await services.GetRequiredService<HandshakeGate>().EvaluateAsync(context, endpoint, pathSessionId);
        if (!outcome.Accepted)
        {
            services.GetRequiredService<RefusalLog>().Refused(context, outcome.Status, outcome.Message!);
            context.Response.StatusCode = outcome.Status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            if (outcome.Status == StatusCodes.Status426UpgradeRequired)
            {
                context.Response.Headers.Upgrade = "websocket";
            }
            else if (outcome.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            }

            await context.Response.WriteAsync(outcome.Message + "\n", context.RequestAborted);
            return;
        }

        using var slot = services.GetRequiredService<AddressLimiter>().TryAcquire(context.Connection.RemoteIpAddress);
        if (slot is null)
        {
            services.GetRequiredService<RefusalLog>().Refused(context, StatusCodes.Status429TooManyRequests, "too many connections from this address");
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync("Too many connections from this address.\n", context.RequestAborted);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = outcome.Subprotocol,
            DangerousEnableCompression = false,
        });
        var dialect = services.GetServices<IWireDialectSelector>().Select(s => s.Select(context, endpoint)).FirstOrDefault(d => d is not null);
        using var connection = new RelayConnection(
            socket, services.GetRequiredService<ConnectionServices>(), endpoint.Role, outcome.SessionId!, outcome.TokenExpiresAt, dialect);
        await connection.RunAsync();
    }
}
