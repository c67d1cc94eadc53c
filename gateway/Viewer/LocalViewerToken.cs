using System.Net;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Auth;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Viewer;

/// <summary>
/// <c>POST /sessions/{id}/local-token</c>, local mode only: a person on this machine opens
/// <c>http://127.0.0.1:3025/sessions/local</c> with no token, and the page asks this endpoint for a short-lived
/// one (the tunnel always needs a token). It answers only a loopback caller, on a loopback <c>Host</c> (the
/// DNS-rebinding guard), whose <c>Origin</c> is this relay itself: a browser sends the <c>Origin</c> of the page
/// that made the request and a page cannot forge it, so other web sites the person visits get 403. Nothing
/// here is more than local mode already grants: its <c>/extension-ws</c> and <c>/mcp-ws</c> need no token.
/// </summary>
internal sealed class LocalViewerToken(TokenService tokens, IOptions<RelayOptions> relay, IOptions<ViewerOptions> viewer)
{
    public IResult Mint(HttpContext context, string sessionId)
    {
        var request = context.Request;
        if (relay.Value.Mode != RelayMode.Local)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound,
                title: "Hosted mode has no local tokens: open the viewer with a link that carries #token=.");
        }

        if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden: local tokens are for loopback callers only.");
        }

        var origin = request.Headers.Origin.FirstOrDefault();
        if (origin is null || !OriginPolicy.IsSameOrigin(request, origin))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden: only the viewer page served by this relay may ask for a local token (Origin must be this relay).");
        }

        if (request.Headers["Sec-Fetch-Site"].FirstOrDefault() is { } site && site != "same-origin")
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden: not a same-origin request.");
        }

        if (!SessionIds.IsValid(sessionId))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Bad session id: {SessionIds.Rule}.");
        }

        var lifetime = viewer.Value.LocalTokenLifetime;
        var token = tokens.Mint(sessionId, lifetime, "local-viewer");
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new LocalToken(token, (long)lifetime.TotalMilliseconds));
    }

    /// <summary>The answer: the token and how long it lives, so the page knows when to renew it.</summary>
    internal sealed record LocalToken(string Token, long LifetimeMs);
}
