using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// Decides every <c>/mcp</c> request before the MCP handler reads it, with the rules of the WebSocket endpoints
/// (docs/protocol.md sections 1 and 9): rate and size limits, the Origin allow list, loopback clients and the default or
/// <c>?sessionId=</c> session in local mode, a Bearer token whose <c>sid</c> picks the session in hosted mode.
/// The local-mode Host check is <see cref="LoopbackHostFilter"/>'s, on every path.
/// </summary>
internal sealed class McpAdmission : IDisposable
{
    private readonly RelayOptions _relay;
    private readonly McpOptions _options;
    private readonly HandshakeGate _gate;
    private readonly PartitionedRateLimiter<string> _limiter;

    public McpAdmission(IOptions<RelayOptions> relay, IOptions<McpOptions> options, HandshakeGate gate)
    {
        _relay = relay.Value;
        _options = options.Value;
        _gate = gate;

        // A period of one second or more, so a fractional rate (0.5/s) is one token every two seconds.
        var period = TimeSpan.FromSeconds(Math.Max(1, 1 / _options.PermitsPerSecond));
        var perPeriod = (int)Math.Max(1, Math.Round(_options.PermitsPerSecond * period.TotalSeconds));
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(
            address,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = _options.Burst,
                TokensPerPeriod = perPeriod,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = false,
            }));
    }

    /// <summary>Runs <paramref name="next"/> (the MCP handler) for an admitted request, with its <see cref="McpCaller"/> set.</summary>
    public async Task ServeAsync(HttpContext context, RequestDelegate next)
    {
        if (await AdmitAsync(context) is not { } caller)
        {
            return;
        }

        context.Features.Set(caller);
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            // A chunked body announces no length: the cap is found while the handler reads it.
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, TooLarge);
        }
    }

    /// <summary>The caller the request acts for, or null after writing the refusal.</summary>
    private async Task<McpCaller?> AdmitAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        using var lease = _limiter.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            context.Response.Headers.RetryAfter = "1";
            return await RefuseAsync(context, StatusCodes.Status429TooManyRequests,
                $"Too many requests: /mcp allows {_options.PermitsPerSecond:0.###} per second per client (burst {_options.Burst}).");
        }

        if (context.Request.ContentLength > _options.MaxRequestBytes)
        {
            return await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, TooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = _options.MaxRequestBytes;
        }

        var (status, message) = _gate.CheckCaller(context);
        if (status != 0)
        {
            return await RefuseAsync(context, status, message!);
        }

        var admitted = await _gate.AdmitToSessionAsync(context, requireToken: _relay.Mode == RelayMode.Hosted, pathSessionId: null);
        if (!admitted.Accepted)
        {
            if (admitted.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            }

            return await RefuseAsync(context, admitted.Status, admitted.Message!);
        }

        var sessionId = admitted.SessionId!;
        return new McpCaller(sessionId, "mcp-" + Guid.NewGuid().ToString("N")[..12]);
    }

    public void Dispose() => _limiter.Dispose();

    private string TooLarge => $"Request too large: /mcp accepts at most {_options.MaxRequestBytes} bytes.";

    private static async Task<McpCaller?> RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
        return null;
    }
}
