using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RapidTriage.Silo.Operations;

/// <summary>
/// HTTP Basic authentication in front of the Orleans dashboard: a browser prompts once, scripts send the header.
/// The comparison takes the same time whatever the guess.
/// </summary>
internal sealed class DashboardAuth(string username, string password)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes($"{username}:{password}");

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (IsAuthorized(context.Request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"rapidtriage-dashboard\", charset=\"UTF-8\"";
    }

    private bool IsAuthorized(string header)
    {
        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(header[Scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(_expected));
    }
}
