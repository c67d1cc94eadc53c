using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace RapidTriage.Testing;

/// <summary>An ASP.NET Core app a test started on a loopback port: where it listens, and a stop with a deadline.</summary>
public static class LoopbackApp
{
    /// <summary><c>http://127.0.0.1:port/</c> of the first address the started server listens on.</summary>
    public static Uri BaseUri(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    /// <summary>Stops the app (what is still open gets <paramref name="timeout"/> to end) and disposes it.</summary>
    public static async ValueTask StopAsync(WebApplication app, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await app.StopAsync(deadline.Token);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
