using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RapidTriage.Gateway.Hosting;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// A real gateway, as <see cref="RelayServer"/> starts one, whose every log line at every level (Trace everywhere,
/// request logging included) is captured in <see cref="Logs"/>.
/// </summary>
internal sealed class LoggedRelay : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoggedRelay(WebApplication app, Uri baseUri, LogCapture logs)
    {
        _app = app;
        BaseUri = baseUri;
        Logs = logs;
    }

    public Uri BaseUri { get; }

    public LogCapture Logs { get; }

    public Uri WebSocketUri(string pathAndQuery) => new($"ws://{BaseUri.Authority}{pathAndQuery}");

    public static async Task<LoggedRelay> StartAsync(params string[] settings)
    {
        var values = new Dictionary<string, string>
        {
            ["Relay:Urls"] = "http://127.0.0.1:0",
            ["Relay:Local:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Local:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Auth:SigningKey"] = RelayServer.SigningKey,
            ["Relay:InitGracePeriod"] = "00:00:00.200",
            ["Relay:DrainWindow"] = "00:00:00.200",

            // Every level of every category, the request-logging ones by name too: a configuration that asks for
            // them must still never see a credential.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging"] = "Trace",
            ["Logging:LogLevel:Orleans"] = "Warning",

            // Rules for this provider by name outrank any rule the gateway adds in code.
            ["Logging:RapidTriage.Gateway.Tests.LogCapture:LogLevel:Default"] = "Trace",
            ["Logging:RapidTriage.Gateway.Tests.LogCapture:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging:RapidTriage.Gateway.Tests.LogCapture:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests"] = "Trace",
            ["Logging:RapidTriage.Gateway.Tests.LogCapture:LogLevel:Orleans"] = "Warning",
        };
        foreach (var setting in settings)
        {
            var at = setting.IndexOf('=', StringComparison.Ordinal);
            values[setting[..at]] = setting[(at + 1)..];
        }

        var logs = new LogCapture();
        var app = RelayApp.Build([.. values.Select(kv => $"--{kv.Key}={kv.Value}")], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoggedRelay(app, new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/"), logs);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
