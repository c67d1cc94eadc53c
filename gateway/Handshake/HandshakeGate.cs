using System.Net;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Auth;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Handshake;

/// <summary>Decides every upgrade request before a socket exists (docs/protocol.md section 1).</summary>
internal sealed class HandshakeGate(IOptions<RelayOptions> options, OriginPolicy origins, TokenService tokens, LocalSessionLimiter localSessions)
{
    private readonly RelayOptions _options = options.Value;

    public async Task<HandshakeOutcome> EvaluateAsync(HttpContext context, Endpoint endpoint, string? pathSessionId)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            if (UpgradeRequestCheck.Problem(context.Request) is { } problem)
            {
                return HandshakeOutcome.Refuse(StatusCodes.Status400BadRequest, $"Bad WebSocket upgrade request: {problem}.");
            }

            return HandshakeOutcome.Refuse(StatusCodes.Status426UpgradeRequired,
                $"{endpoint.Path} is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket).");
        }

        var (status, message) = CheckCaller(context);
        if (status != 0)
        {
            return HandshakeOutcome.Refuse(status, message!);
        }

        string? subprotocol = null;
        var offered = context.WebSockets.WebSocketRequestedProtocols;
        if (offered.Count > 0)
        {
            subprotocol = offered.FirstOrDefault(p => endpoint.Subprotocols.Contains(p, StringComparer.Ordinal));
            if (subprotocol is null)
            {
                return HandshakeOutcome.Refuse(StatusCodes.Status400BadRequest,
                    $"Unsupported subprotocol. {endpoint.Path} supports: {string.Join(", ", endpoint.Subprotocols)}.");
            }
        }

        var local = endpoint.Role != ConnectionRole.Tunnel && _options.Mode != RelayMode.Hosted;
        var admitted = await AdmitToSessionAsync(context, requireToken: !local, pathSessionId);
        if (!admitted.Accepted)
        {
            return admitted;
        }

        var sessionId = admitted.SessionId!;
        var headerSession = context.Request.Headers["X-Session-ID"].FirstOrDefault();
        if (headerSession is not null && !string.Equals(headerSession, sessionId, StringComparison.Ordinal))
        {
            return HandshakeOutcome.Refuse(StatusCodes.Status400BadRequest, "X-Session-ID does not match the session in the URL.");
        }

        if (local && !TryHoldLocalSession(context, sessionId))
        {
            return HandshakeOutcome.Refuse(StatusCodes.Status429TooManyRequests,
                $"Too many sessions: local mode keeps at most {localSessions.Limit} sessions with open connections (Relay:Local:MaxSessions); close the connections of another session first.");
        }

        return HandshakeOutcome.Accept(sessionId, subprotocol, admitted.TokenExpiresAt);
    }

    /// <summary>
    /// Which session a request may act in, for every way in (sockets, <c>/mcp</c>, the BrowserTools API). With
    /// <paramref name="requireToken"/> a valid token names it (401 without one; 403 when the path or
    /// <c>?sessionId=</c> names another); without, only loopback clients pass and <c>?sessionId=</c> or the default
    /// session is taken. The result carries no subprotocol.
    /// </summary>
    public async Task<HandshakeOutcome> AdmitToSessionAsync(HttpContext context, bool requireToken, string? pathSessionId)
    {
        var querySession = context.Request.Query["sessionId"].FirstOrDefault();
        string sessionId;
        DateTimeOffset? expiresAt = null;
        if (requireToken)
        {
            var check = await tokens.ValidateAsync(BearerToken(context.Request));
            if (!check.IsValid)
            {
                return HandshakeOutcome.Refuse(StatusCodes.Status401Unauthorized, $"Unauthorized: {check.Failure}.");
            }

            sessionId = pathSessionId ?? querySession ?? check.SessionId!;
            if (!string.Equals(sessionId, check.SessionId, StringComparison.Ordinal))
            {
                return HandshakeOutcome.Refuse(StatusCodes.Status403Forbidden, "Forbidden: the token is for another session.");
            }

            expiresAt = check.ExpiresAt;
        }
        else
        {
            if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
            {
                return HandshakeOutcome.Refuse(StatusCodes.Status403Forbidden, "Forbidden: local endpoints accept loopback clients only.");
            }

            sessionId = querySession ?? _options.DefaultSessionId;
        }

        return SessionIds.IsValid(sessionId)
            ? HandshakeOutcome.Accept(sessionId, null, expiresAt)
            : HandshakeOutcome.Refuse(StatusCodes.Status400BadRequest, $"Bad session id: {SessionIds.Rule}.");
    }

    /// <summary>A local connection holds its session's place for as long as its request (the socket's life) lasts.</summary>
    private bool TryHoldLocalSession(HttpContext context, string sessionId)
    {
        if (localSessions.TryEnter(sessionId) is not { } hold)
        {
            return false;
        }

        context.Response.RegisterForDispose(hold);
        return true;
    }

    /// <summary>The Origin check every request gets, HTTP API included (the Host check is <see cref="LoopbackHostFilter"/>).</summary>
    public (int Status, string? Message) CheckCaller(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.FirstOrDefault();
        if (origin is not null && !origins.IsAllowed(origin) && !OriginPolicy.IsSameOrigin(context.Request, origin))
        {
            return (StatusCodes.Status403Forbidden, $"Forbidden: origin {origin} is not allowed.");
        }

        return (0, null);
    }

    /// <summary><c>Authorization: Bearer</c>, else <c>?access_token=</c> (browsers cannot set headers).</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Query["access_token"].FirstOrDefault();
    }
}
