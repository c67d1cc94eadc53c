using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// One gateway for tests that need settings other than the defaults, shared by a collection: a short
/// <c>Relay:CommandTimeout</c>, a small <c>Relay:MaxMessageSize</c>, a rate limit high enough for bulk
/// ordering tests, and redaction switched off.
/// </summary>
public sealed class TunedRelayFixture : IAsyncLifetime
{
    public const int MaxMessageSize = 4096;

    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    public RelayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RelayServer.StartAsync(
        "Relay:CommandTimeout=00:00:02",
        $"Relay:MaxMessageSize={MaxMessageSize}",
        "Relay:RateLimit:PermitsPerSecond=100000",
        "Relay:RateLimit:Burst=100000",
        "Relay:Redaction:Enabled=false");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class TunedRelayCollection : ICollectionFixture<TunedRelayFixture>
{
    public const string Name = "relay-tuned";
}
