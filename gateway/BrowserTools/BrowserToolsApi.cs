using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// The HTTP API of browser-tools-server 1.2.0 (docs/protocol.md section 7), served from the session's history, with the
/// relay's own admission: loopback clients only, the Origin allow list, no wildcard CORS. Local mode only.
/// </summary>
internal static class BrowserToolsApi
{
    /// <summary>The key under which the admission filter leaves the request's session id.</summary>
    private const string SessionKey = "browsertools.session";

    private static readonly string[] Paths =
    [
        "/.identity", "/.port", "/extension-log", "/console-logs", "/console-errors", "/network-errors", "/network-success",
        "/all-xhr", "/selected-element", "/current-url", "/wipelogs", "/capture-screenshot", "/screenshot",
    ];

    private static readonly string[] AuditPaths = ["/accessibility-audit", "/performance-audit", "/seo-audit", "/best-practices-audit"];

    public static IEndpointRouteBuilder MapBrowserTools(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        if (services.GetRequiredService<IOptions<RelayOptions>>().Value.Mode != RelayMode.Local
            || !services.GetRequiredService<IOptions<BrowserToolsOptions>>().Value.Enabled)
        {
            return app;
        }

        var group = app.MapGroup("");
        group.AddEndpointFilter(AdmitAsync);

        group.MapGet("/.identity", Identity);
        group.MapGet("/.port", (HttpContext context) => Results.Text(context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        group.MapPost("/extension-log", CaptureEndpoints.ExtensionLogAsync);
        group.MapGet("/console-logs", (HttpContext c, CaptureReader r) => r.ListAsync(Session(c), LegacyList.ConsoleLogs));
        group.MapGet("/console-errors", (HttpContext c, CaptureReader r) => r.ListAsync(Session(c), LegacyList.ConsoleErrors));
        group.MapGet("/network-errors", (HttpContext c, CaptureReader r) => r.ListAsync(Session(c), LegacyList.NetworkErrors));
        group.MapGet("/network-success", (HttpContext c, CaptureReader r) => r.ListAsync(Session(c), LegacyList.NetworkSuccess));
        group.MapGet("/all-xhr", (HttpContext c, CaptureReader r) => r.ListAsync(Session(c), LegacyList.AllXhr));
        group.MapGet("/selected-element", CaptureEndpoints.GetSelectedElementAsync);
        group.MapPost("/selected-element", CaptureEndpoints.PostSelectedElementAsync);
        group.MapGet("/current-url", CaptureEndpoints.GetCurrentUrlAsync);
        group.MapPost("/current-url", CaptureEndpoints.PostCurrentUrlAsync);
        group.MapPost("/wipelogs", CaptureEndpoints.WipeLogsAsync);
        group.MapPost("/capture-screenshot", ScreenshotEndpoints.CaptureAsync);
        group.MapPost("/screenshot", ScreenshotEndpoints.SaveAsync);
        foreach (var path in AuditPaths)
        {
            group.MapMethods(path, ["GET", "POST"], () => Results.Json(
                new { error = $"{path[1..]} is not available: the RapidTriage relay does not drive a browser, so it runs no Lighthouse audits. Run Lighthouse from Chrome DevTools (Lighthouse panel) or with `npx lighthouse <url>`." },
                statusCode: StatusCodes.Status501NotImplemented));
        }

        // Preflight for extension pages that are not exempt from CORS; the filter refuses origins not allowed.
        foreach (var path in Paths.Concat(AuditPaths))
        {
            group.MapMethods(path, ["OPTIONS"], Preflight);
        }

        return app;
    }

    /// <summary>The session the request acts in: <c>?sessionId=</c>, else <c>Relay:DefaultSessionId</c>.</summary>
    public static string Session(HttpContext context) => (string)context.Items[SessionKey]!;

    private static IResult Preflight(HttpContext context)
    {
        context.Response.Headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
        context.Response.Headers.AccessControlAllowHeaders = "Content-Type";
        context.Response.Headers.AccessControlMaxAge = "600";
        return Results.NoContent();
    }

    private static IResult Identity(HttpContext context) => Results.Json(new
    {
        port = context.Connection.LocalPort,
        name = "browser-tools-server",
        version = "1.2.0",
        signature = "mcp-browser-connector-24x7",
    });

    private static async ValueTask<object?> AdmitAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var services = context.RequestServices;
        var gate = services.GetRequiredService<HandshakeGate>();
        var (status, message) = gate.CheckCaller(context);
        if (status != 0)
        {
            return Refuse(status, message!);
        }

        // Local mode only (the API is not mapped in hosted mode): loopback clients, ?sessionId= or the default session.
        var admitted = await gate.AdmitToSessionAsync(context, requireToken: false, pathSessionId: null);
        if (!admitted.Accepted)
        {
            return Refuse(admitted.Status, admitted.Message!);
        }

        var sessionId = admitted.SessionId!;
        context.Items[SessionKey] = sessionId;
        if (context.Request.Headers.Origin.FirstOrDefault() is { } origin)
        {
            // The allowed origin itself, never "*": another page must not read what this one may.
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.Vary = "Origin";
        }

        return await next(invocation);
    }

    private static IResult Refuse(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
