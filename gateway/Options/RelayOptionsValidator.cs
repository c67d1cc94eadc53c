using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Options;

/// <summary>Checks <see cref="RelayOptions"/> at start, naming every bad key, not only the first.</summary>
internal sealed class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        var relay = new OptionsProblems(RelayOptions.SectionName);
        if (!Enum.IsDefined(options.Mode))
        {
            relay.Add($"{relay.Key(nameof(options.Mode))} must be Local or Hosted (got {options.Mode}).");
        }

        relay.NotEmpty(nameof(options.Urls), options.Urls);
        if (!SessionIds.IsValid(options.DefaultSessionId))
        {
            relay.Add($"{relay.Key(nameof(options.DefaultSessionId))}: {SessionIds.Rule} (got \"{options.DefaultSessionId}\").");
        }

        relay.AtLeast(nameof(options.MaxMessageSize), options.MaxMessageSize, 1024);
        relay.Positive(nameof(options.HeartbeatInterval), options.HeartbeatInterval);
        relay.Positive(nameof(options.MaxMessageAge), options.MaxMessageAge);
        relay.AtLeast(nameof(options.SendQueueBytes), options.SendQueueBytes, 1024);
        relay.NotNegative(nameof(options.InitGracePeriod), options.InitGracePeriod);
        relay.Positive(nameof(options.CloseTimeout), options.CloseTimeout);
        relay.NotNegative(nameof(options.DrainWindow), options.DrainWindow);
        if (options.AllowedOrigins?.Any(string.IsNullOrWhiteSpace) == true)
        {
            relay.Add($"{relay.Key(nameof(options.AllowedOrigins))} must not hold an empty origin.");
        }

        var rate = new OptionsProblems(RateLimitOptions.SectionName);
        rate.Positive(nameof(options.RateLimit.PermitsPerSecond), options.RateLimit.PermitsPerSecond);
        rate.AtLeast(nameof(options.RateLimit.Burst), options.RateLimit.Burst, 1);
        rate.Positive(nameof(options.RateLimit.BytesPerSecond), options.RateLimit.BytesPerSecond);
        rate.AtLeast(nameof(options.RateLimit.BurstBytes), options.RateLimit.BurstBytes, 1);
        rate.Positive(nameof(options.RateLimit.CloseAfter), options.RateLimit.CloseAfter);

        var operations = new OptionsProblems(Operations.OperationsOptions.SectionName);
        if (options.Operations.Port is { } port)
        {
            operations.Port(nameof(options.Operations.Port), port);
        }

        operations.Positive(nameof(options.Operations.ReadyTimeout), options.Operations.ReadyTimeout);

        var auth = new OptionsProblems(AuthOptions.SectionName);
        auth.Positive(nameof(options.Auth.DevelopmentTokenLifetime), options.Auth.DevelopmentTokenLifetime);

        var cluster = relay.For("Cluster");
        cluster.Positive(nameof(options.Cluster.RenewInterval), options.Cluster.RenewInterval);

        var limits = new OptionsProblems(LimitOptions.SectionName);
        limits.AtLeast(nameof(options.Limits.ConnectionsPerAddress), options.Limits.ConnectionsPerAddress ?? 0, 0);
        limits.AtLeast(nameof(options.Limits.MaxInitFieldLength), options.Limits.MaxInitFieldLength, 1);
        limits.AtLeast(nameof(options.Limits.MaxCapabilities), options.Limits.MaxCapabilities, 0);
        limits.Positive(nameof(options.Limits.HandshakeTimeout), options.Limits.HandshakeTimeout);

        var api = new OptionsProblems(ApiOptions.SectionName);
        api.AtLeast(nameof(options.Api.MaxConcurrentRequestsPerAddress), options.Api.MaxConcurrentRequestsPerAddress, 0);
        api.AtLeast(nameof(options.Api.MaxResponseBytes), options.Api.MaxResponseBytes, 1024);

        var forwarded = new OptionsProblems(ForwardedHeadersSettings.SectionName);
        forwarded.AtLeast(nameof(options.ForwardedHeaders.ForwardLimit), options.ForwardedHeaders.ForwardLimit, 1);

        var local = new OptionsProblems(LocalOptions.SectionName);
        local.AtLeast(nameof(options.Local.MaxSessions), options.Local.MaxSessions, 0);

        return Combine(relay, rate, operations, auth, limits, api, forwarded, local);
    }

    private static ValidateOptionsResult Combine(params OptionsProblems[] parts)
    {
        var failures = parts.Select(static p => p.Result).Where(static r => r.Failed).SelectMany(static r => r.Failures!).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
