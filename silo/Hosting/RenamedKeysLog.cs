using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RapidTriage.Silo.Hosting;

/// <summary>Logs, once at start, each deprecated configuration key in use and what replaces it.</summary>
internal sealed partial class RenamedKeysLog(IReadOnlyList<string> notes, ILogger<RenamedKeysLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var note in notes)
        {
            LogDeprecated(note);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration: {Note}")]
    private partial void LogDeprecated(string note);
}
