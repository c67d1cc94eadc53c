namespace RapidTriage.Cluster.Tests;

/// <summary>One Azurite for the whole cluster collection; each test starts its own cluster (own cluster id) on it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;

    /// <summary>Logs of every process the tests start, kept for a look after a failure; older runs are removed.</summary>
    public string LogRoot { get; } = Path.Combine(Path.GetTempPath(), "rapidtriage-cluster-tests", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Environment.ProcessId);

    internal Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync()
    {
        RemoveOldLogs();
        _azurite = await Azurite.StartAsync(LogRoot);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    private void RemoveOldLogs()
    {
        var parent = Path.GetDirectoryName(LogRoot)!;
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var dir in new DirectoryInfo(parent).GetDirectories().Where(d => d.CreationTimeUtc < DateTime.UtcNow.AddDays(-1)))
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
