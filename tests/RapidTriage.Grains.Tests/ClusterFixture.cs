using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// A two-silo Orleans test cluster with in-memory session storage, shared per collection. Sessions flush every
/// 100 ms and write a snapshot after 3 segments, so persistence tests see both within a second.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The session storage provider (in memory, shared by both silos), to look at what sessions wrote.</summary>
    public IGrainStorage Storage =>
        ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(SessionStorage.ProviderName);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.StopAllSilosAsync();

    public static string NewSession() => "g-" + Guid.NewGuid().ToString("N")[..12];

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Relay:CommandTimeout"] = "00:00:01",
                ["Relay:History:PerType"] = "50",
                ["Relay:Cluster:ObserverExpiry"] = "00:00:02",
                ["Relay:History:FlushInterval"] = "00:00:00.100",
                ["Relay:History:MaxSegments"] = "3",
            }).Build();
            siloBuilder.AddMemoryGrainStorage(SessionStorage.ProviderName);
            siloBuilder.AddRelaySessions(configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
