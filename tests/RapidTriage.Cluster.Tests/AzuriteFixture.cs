using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary>One Azurite for the whole cluster collection; each test starts its own cluster (own cluster id) on it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;

    /// <summary>Logs of every process the tests start, kept for a look after a failure.</summary>
    public string LogRoot { get; } = TestLogs.Directory("cluster");

    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync(LogRoot);

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>A cluster of its own (own cluster id) on the collection's Azurite, with the short test periods.</summary>
    public Task<LocalCluster> StartClusterAsync(int silos = 2, int gateways = 2, bool defaults = false) =>
        LocalCluster.StartAsync(Azurite, LogRoot, silos, gateways, defaults);
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
