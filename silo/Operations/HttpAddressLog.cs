using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RapidTriage.Silo.Operations;

/// <summary>Logs where the silo's health and metrics endpoint listens (its default port is picked at start).</summary>
internal sealed partial class HttpAddressLog(IHostApplicationLifetime lifetime, IServer server, ILogger<HttpAddressLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            LogListening(addresses);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo health and metrics on {Addresses} (/healthz, /readyz, /metrics)")]
    private partial void LogListening(ICollection<string> addresses);
}
