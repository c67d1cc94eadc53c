using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>One local-mode relay and one headless Chromium shared by a collection; each test uses its own session.</summary>
public sealed class ViewerFixture : IAsyncLifetime
{
    public RelayServer Relay { get; private set; } = null!;

    public Chromium Chromium { get; private set; } = null!;

    public static string NewSession(string prefix = "viewer") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task InitializeAsync()
    {
        Relay = await RelayServer.StartAsync();
        Chromium = await Chromium.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Relay.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ViewerCollection : ICollectionFixture<ViewerFixture>
{
    public const string Name = "Viewer";
}
