using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>One gateway with default settings, shared by a test collection; tests use their own session ids.</summary>
public sealed class RelayFixture : IAsyncLifetime
{
    public RelayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RelayServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A session id no other test uses.</summary>
    public static string NewSession() => "t-" + Guid.NewGuid().ToString("N")[..12];
}

[CollectionDefinition(Name)]
public sealed class RelayCollection : ICollectionFixture<RelayFixture>
{
    public const string Name = "relay";
}
