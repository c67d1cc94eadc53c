using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Viewer;

/// <summary>
/// The session viewer (docs/protocol.md section 10): <c>GET /sessions/{id}</c> serves a page that watches the session
/// through <c>/tunnel/{id}</c>; its script and style come from <c>/viewer/{file}</c>, embedded in this assembly.
/// </summary>
internal static class SessionViewer
{
    public static WebApplicationBuilder AddSessionViewer(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions(builder.Configuration, ViewerOptions.SectionName, new AnnotatedOptionsValidator<ViewerOptions>(ViewerOptions.SectionName));
        builder.Services.AddSingleton<ViewerAssets>();
        builder.Services.AddSingleton<LocalViewerToken>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSessionViewer(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<ViewerOptions>>().Value.Enabled)
        {
            return app;
        }

        app.MapGet("/sessions/{sessionId}", (string sessionId, HttpContext context, ViewerAssets assets) =>
            SessionIds.IsValid(sessionId)
                ? Serve(context, assets, "index.html")
                : Refuse(context, StatusCodes.Status400BadRequest, $"Bad session id: {SessionIds.Rule}."));
        app.MapGet("/viewer/{file}", (string file, HttpContext context, ViewerAssets assets) =>
            file != "index.html" ? Serve(context, assets, file) : Refuse(context, StatusCodes.Status404NotFound, "Not found."));
        app.MapPost("/sessions/{sessionId}/local-token", (string sessionId, HttpContext context, LocalViewerToken local) =>
        {
            ViewerHeaders.Apply(context.Response);
            return local.Mint(context, sessionId);
        });
        return app;
    }

    private static IResult Serve(HttpContext context, ViewerAssets assets, string file)
    {
        if (!assets.TryGet(file, out var asset))
        {
            return Refuse(context, StatusCodes.Status404NotFound, "Not found.");
        }

        ViewerHeaders.Apply(context.Response);
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static IResult Refuse(HttpContext context, int status, string message)
    {
        ViewerHeaders.Apply(context.Response);
        return Results.Text(message + "\n", "text/plain; charset=utf-8", statusCode: status);
    }
}
