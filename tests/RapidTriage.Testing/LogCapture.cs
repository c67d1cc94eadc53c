using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace RapidTriage.Testing;

/// <summary>
/// A logger provider that keeps every line a gateway logs as a structured provider would see it: category, level,
/// the formatted message, and every state value, scope value and exception text (so a test can prove a secret is
/// in none of them). Add it with <c>RelayServer.StartAsync(b => b.Logging.AddProvider(capture), …)</c>.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    /// <summary>Each line's full text (<see cref="LogLine.Text"/>).</summary>
    public IReadOnlyList<string> Texts => [.. _lines.Select(l => l.Text)];

    /// <summary>Every line's full text, one per line.</summary>
    public string All => string.Join('\n', Texts);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Waits until a line satisfies <paramref name="match"/> (logging can lag the response by a little).</summary>
    public async Task<LogLine> WaitForAsync(Func<LogLine, bool> match, TimeSpan? timeout = null)
    {
        var line = await Eventually.LatestAsync(() => Task.FromResult(_lines.FirstOrDefault(match)), static found => found is not null, timeout ?? TimeSpan.FromSeconds(5));
        return line ?? throw new TimeoutException("No such log line. Logged:\n" + All);
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var details = new StringBuilder();
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    details.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            owner._scopes.ForEachScope((scope, builder) => builder.Append(" | scope ").Append(scope), details);
            if (exception is not null)
            {
                details.Append(" | ").Append(exception);
            }

            owner._lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception), details.ToString()));
        }
    }
}

/// <summary>One captured log line.</summary>
/// <param name="Category">The logger's category.</param>
/// <param name="Level">Its level.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Details">State values, scopes and exception text, each after <c> | </c>.</param>
public sealed record LogLine(string Category, LogLevel Level, string Message, string Details = "")
{
    /// <summary>Everything a structured provider would write for this line.</summary>
    public string Text => $"{Level} {Category}: {Message}{Details}";

    public override string ToString() => $"{Level} {Category}: {Message}";
}
