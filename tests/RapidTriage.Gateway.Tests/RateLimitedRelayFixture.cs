using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>One gateway with a tight per-connection rate limit and a short 1008 delay, shared by a collection.</summary>
public sealed class RateLimitedRelayFixture : IAsyncLifetime
{
    public const int PermitsPerSecond = 20;
    public const int Burst = 10;

    public static readonly TimeSpan CloseAfter = TimeSpan.FromSeconds(1.5);

    public RelayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RelayServer.StartAsync(
        $"Relay:RateLimit:PermitsPerSecond={PermitsPerSecond}",
        $"Relay:RateLimit:Burst={Burst}",
        "Relay:RateLimit:CloseAfter=00:00:01.500");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RateLimitedRelayCollection : ICollectionFixture<RateLimitedRelayFixture>
{
    public const string Name = "relay-rate";
}
