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

        return app.Use(async (context, next) =>
        {
            if (!OriginPolicy.IsLoopbackHost(context.Request.Host.Value ?? ""))
            {
                context.RequestServices.GetRequiredService<Api.RefusalLog>().Refused(context, StatusCodes.Status403Forbidden, "not a loopback Host name");
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Forbidden: local mode answers only loopback Host names.\n", context.RequestAborted);
                return;
            }

            await next(context);
        });
    }
}
