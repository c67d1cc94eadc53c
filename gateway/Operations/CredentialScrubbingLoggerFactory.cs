using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// Wraps the host's logger factory so that no log line, from any category at any level, carries a credential in a
/// URL or <c>name=value</c> text: ASP.NET Core's request logging prints <c>GET http://…/tunnel/x?access_token=…</c> at
/// Information, Kestrel's bad-request logs quote the request line. Filters by category alone cannot promise this
/// (a provider-specific <c>Logging:Console:LogLevel</c> rule outranks them), so the text itself is redacted by the
/// same rules as events (<see cref="TextRedactor"/>), whatever the configuration; the filters stay to keep noise down.
/// </summary>
internal sealed class CredentialScrubbingLoggerFactory(ILoggerFactory inner, TextRedactor redactor) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new ScrubbingLogger(inner.CreateLogger(categoryName), redactor);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}
