using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Handshake;

/// <summary>
/// Warns at start of local mode while <c>Relay:AllowedOrigins</c> lets any browser extension in
/// (<c>chrome-extension://*</c>, the default): local endpoints need no token, so every extension the user installed
/// may then open sessions and read what they carry. README "Security" shows how to pin the extension's id.
/// </summary>
internal sealed partial class OpenOriginWarning(IOptions<RelayOptions> options, ILogger<OpenOriginWarning> logger) : IHostedService
{
    private static readonly string[] ExtensionSchemes = ["chrome-extension://", "moz-extension://"];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode != RelayMode.Local)
        {
            return Task.CompletedTask;
        }

        foreach (var pattern in options.Value.EffectiveAllowedOrigins)
        {
            if (pattern == "*" || ExtensionSchemes.Any(scheme => pattern.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && pattern[scheme.Length..].Contains('*', StringComparison.Ordinal)))
            {
                AnyExtensionAllowed(logger, pattern);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Relay:AllowedOrigins contains {Pattern}: every browser extension installed may open sessions and read them. " +
        "Pin yours, e.g. Relay:AllowedOrigins:0=chrome-extension://<extension id> (see README, Security).")]
    private static partial void AnyExtensionAllowed(ILogger logger, string pattern);
}
