using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Handshake;

/// <summary>
/// Local mode answers only requests whose Host is loopback, on every path: a web page that rebinds its
/// DNS name to 127.0.0.1 must not reach a developer's relay (docs/protocol.md section 1).
/// </summary>
internal static class LoopbackHostFilter
{
    public static IApplicationBuilder UseLoopbackHostFilter(this IApplicationBuilder app)
    {
        var mode = app.ApplicationServices.GetRequiredService<IOptions<RelayOptions>>().Value.Mode;
        if (mode != RelayMode.Local)
        {
            return app;
        }

        // Not an async lambda: a WebSocket's request lasts as long as its socket, and an awaiting middleware would
        // hold a state machine per connection for all that time (112 bytes each, seen in a heap of 10,000 idle ones).
        return app.Use(static (context, next) =>
            OriginPolicy.IsLoopbackHost(context.Request.Host.Value ?? "") ? next(context) : RefuseAsync(context));
    }

    private static Task RefuseAsync(HttpContext context)
    {
        context.RequestServices.GetRequiredService<Api.RefusalLog>().Refused(context, StatusCodes.Status403Forbidden, "not a loopback Host name");
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync("Forbidden: local mode answers only loopback Host names.\n", context.RequestAborted);
    }
}
