using System.Net;
using System.Threading.RateLimiting;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Api;

/// <summary>
/// <c>Relay:Api:MaxConcurrentRequestsPerAddress</c>: the HTTP API reads session history from the grains, so one client
/// asking without end would slow every other. Each client (keyed as for sockets: <see cref="ClientAddress.Key"/>) may
/// have that many requests in progress; one more answers 429 at once, with a body saying why.
/// </summary>
internal static class SessionApiLimits
{
    public const string Policy = "session-api";

    public static IServiceCollection AddSessionApiLimits(this IServiceCollection services, ApiOptions api)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = static async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.ContentType = "application/problem+json";
                response.Headers.RetryAfter = "1";
                await response.WriteAsync(
                    """{"status":429,"title":"Too many concurrent requests from this address (Relay:Api:MaxConcurrentRequestsPerAddress); retry when one has finished."}""",
                    cancellationToken);
            };
            options.AddPolicy(Policy, context =>
            {
                var key = ClientAddress.Key(context.Connection.RemoteIpAddress) ?? IPAddress.None;
                return api.MaxConcurrentRequestsPerAddress == 0
                    ? RateLimitPartition.GetNoLimiter(key)
                    : RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = api.MaxConcurrentRequestsPerAddress,
                        QueueLimit = 0,
                    });
            });
        });
        return services;
    }
}
