using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>
/// One local-mode gateway shared by a collection, with a short <c>Relay:CommandTimeout</c> so an unanswered
/// screenshot fails fast. Tests use their own session ids.
/// </summary>
public sealed class McpRelayFixture : IAsyncLifetime
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    public RelayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RelayServer.StartAsync("Relay:CommandTimeout=00:00:02");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A session id no other test uses.</summary>
    public static string NewSession() => "mcp-" + Guid.NewGuid().ToString("N")[..12];
}

[CollectionDefinition(Name)]
public sealed class McpRelayCollection : ICollectionFixture<McpRelayFixture>
{
    public const string Name = "mcp-relay";
}
