using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Auth;

/// <summary>In local mode without a configured key, prints a token for the default session at start.</summary>
/// <remarks>Written to stdout, not the log pipeline, so no log sink ever holds a token.</remarks>
internal sealed class DevelopmentTokenBanner(TokenService tokens, IOptions<RelayOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var relay = options.Value;
        if (relay.Mode == RelayMode.Local && tokens.IsGeneratedKey)
        {
            var token = tokens.Mint(relay.DefaultSessionId, relay.Auth.DevelopmentTokenLifetime, "development");
            Console.Out.WriteLine(
                $"No Relay:Auth:SigningKey set: made a key for this run. Development token for session " +
                $"'{relay.DefaultSessionId}' (valid {relay.Auth.DevelopmentTokenLifetime}):{Environment.NewLine}{token}");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
