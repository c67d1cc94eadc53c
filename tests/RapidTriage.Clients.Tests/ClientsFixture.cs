using RapidTriage.Testing;

namespace RapidTriage.Clients.Tests;

/// <summary>
/// A relay with default settings and a private copy of the example clients, shared by the collection.
/// The collection runs its tests one after another: each starts a child process (Chromium is heavy).
/// </summary>
public sealed class ClientsFixture : IAsyncLifetime
{
    internal ExampleClients Clients { get; private set; } = null!;

    public RelayServer Server { get; private set; } = null!;

    /// <summary>A session id no other test uses.</summary>
    public static string NewSession() => "c-" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        Clients = ExampleClients.Copy();
        Server = await RelayServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Clients.Dispose();
    }
}
