using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// Passes each entry on with its message, its structured values and its exception text redacted; an entry with
/// nothing to redact is passed on as it came (the check is a scan for credential names, <c>@</c> and <c>%</c>).
/// </summary>
internal sealed class ScrubbingLogger(ILogger inner, TextRedactor redactor) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        var scrubbedMessage = redactor.Redact(message);
        List<KeyValuePair<string, object?>>? values = null;
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            for (var i = 0; i < pairs.Count; i++)
            {
                if (pairs[i].Value is string text && redactor.Redact(text) is { } scrubbed)
                {
                    values ??= [.. pairs];
                    values[i] = new(pairs[i].Key, scrubbed);
                }
            }
        }

        var scrubbedException = exception is not null && redactor.Redact(exception.ToString()) is { } scrubbedText ? new ScrubbedException(scrubbedText) : null;
        if (scrubbedMessage is null && values is null && scrubbedException is null)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        var entry = new ScrubbedState(scrubbedMessage ?? message, values ?? (state as IReadOnlyList<KeyValuePair<string, object?>>) ?? []);
        inner.Log(logLevel, eventId, entry, scrubbedException ?? exception, static (s, _) => s.Message);
    }

    /// <summary>The entry as structured providers read it: the redacted values, and the redacted message as its text.</summary>
    private sealed class ScrubbedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;
    }

    /// <summary>Stands for an exception whose text held a credential: its type, message and stack, redacted.</summary>
    private sealed class ScrubbedException(string text) : Exception(text)
    {
        public override string ToString() => Message;
    }
}
