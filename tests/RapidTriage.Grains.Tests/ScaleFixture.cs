using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// A one-silo test cluster for what a session costs while it exists: session storage counts every write
/// (<see cref="CountingStorage"/>), idle sessions are collected after 2 s, gateways silent for 1 s are gone, and
/// the silo-wide flush budget is small (2 writes/s) so its effect shows. Observer expiry keeps its default, so a
/// gateway's members can only leave sooner through the silo's gateway presence.
/// </summary>
public sealed class ScaleFixture : IAsyncLifetime
{
    public const int FlushBudget = 2;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxFlushInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public IServiceProvider SiloServices => ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services;

    /// <summary>The session storage of the silo, with its write log.</summary>
    public CountingStorage Storage => (CountingStorage)SiloServices.GetRequiredKeyedService<IGrainStorage>(SessionStorage.ProviderName);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.StopAllSilosAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        private const string Inner = "sessions-inner";

        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Relay:CommandTimeout"] = "00:00:01",
                ["Relay:SessionIdleTimeout"] = IdleTimeout.ToString(),
                ["Relay:History:FlushInterval"] = FlushInterval.ToString(),
                ["Relay:History:MaxFlushInterval"] = MaxFlushInterval.ToString(),
                ["Relay:History:FlushBudget"] = FlushBudget.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Relay:Cluster:GatewayExpiry"] = "00:00:01",
                ["Relay:Cluster:PresencePoll"] = "00:00:00.200",
            }).Build();
            siloBuilder.AddMemoryGrainStorage(Inner);
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(SessionStorage.ProviderName,
                (sp, _) => new CountingStorage(sp.GetRequiredKeyedService<IGrainStorage>(Inner)));
            siloBuilder.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromMilliseconds(500));
            siloBuilder.AddRelaySessions(configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ScaleCollection : ICollectionFixture<ScaleFixture>
{
    public const string Name = "scale";
}
