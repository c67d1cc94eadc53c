using Microsoft.Extensions.Logging;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// A real gateway, as <see cref="RelayServer"/> starts one, whose every log line at every level (Trace everywhere,
/// request logging included) is captured in <see cref="Logs"/>.
/// </summary>
internal sealed class LoggedRelay : IAsyncDisposable
{
    private static readonly string[] TraceEverything =
    [
        // Every level of every category, the request-logging ones by name too: a configuration that asks for
        // them must still never see a credential.
        "Logging:LogLevel:Default=Trace",
        "Logging:LogLevel:Microsoft=Trace",
        "Logging:LogLevel:Microsoft.AspNetCore=Trace",
        "Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace",
        "Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel=Trace",
        "Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests=Trace",
        "Logging:LogLevel:Microsoft.AspNetCore.HttpLogging=Trace",
        "Logging:LogLevel:Orleans=Warning",

        // Rules for this provider by name outrank any rule the gateway adds in code.
        "Logging:RapidTriage.Testing.LogCapture:LogLevel:Default=Trace",
        "Logging:RapidTriage.Testing.LogCapture:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace",
        "Logging:RapidTriage.Testing.LogCapture:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests=Trace",
        "Logging:RapidTriage.Testing.LogCapture:LogLevel:Orleans=Warning",
    ];

    private readonly RelayServer _server;

    private LoggedRelay(RelayServer server, LogCapture logs)
    {
        _server = server;
        Logs = logs;
    }

    public Uri BaseUri => _server.BaseUri;

    public LogCapture Logs { get; }

    public Uri WebSocketUri(string pathAndQuery) => _server.WebSocketUri(pathAndQuery);

    public static async Task<LoggedRelay> StartAsync(params string[] settings)
    {
        var logs = new LogCapture();
        var server = await RelayServer.StartAsync(
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
            },
            [.. TraceEverything, .. settings]);
        return new LoggedRelay(server, logs);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
