namespace RapidTriage.Testing;

/// <summary>
/// The Azure Storage emulator from tests/node_modules on free loopback ports: the real table and blob protocols
/// the Orleans providers speak, nothing from Azure itself. Its data is kept in memory, or in a folder so that it
/// can be killed or stopped (a storage outage) and started again on the same ports with its tables and blobs.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account key (public, documented by Azurite).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _logDirectory;
    private readonly string? _dataDirectory;
    private ChildProcess? _process;

    private Azurite(string logDirectory, string? dataDirectory)
    {
        _logDirectory = logDirectory;
        _dataDirectory = dataDirectory;
    }

    public int BlobPort { get; } = FreePort.Next();

    public int QueuePort { get; } = FreePort.Next();

    public int TablePort { get; } = FreePort.Next();

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        $";BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1" +
        $";QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1" +
        $";TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1";

    /// <summary>
    /// Starts the emulator, its log in <paramref name="logDirectory"/>. With <paramref name="dataDirectory"/> it keeps
    /// its data there instead of in memory, so that <see cref="RestartAsync"/> finds it again.
    /// </summary>
    public static async Task<Azurite> StartAsync(string logDirectory, string? dataDirectory = null)
    {
        var azurite = new Azurite(logDirectory, dataDirectory);
        try
        {
            await azurite.LaunchAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    /// <summary>SIGKILL, as a storage outage that loses what was not yet saved.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>
    /// SIGTERM, so it saves what it holds (a real outage loses nothing): every storage request fails until
    /// <see cref="RestartAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(15));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Starts it again on the same ports with the same data (only with a data directory).</summary>
    public async Task RestartAsync()
    {
        if (_dataDirectory is null)
        {
            throw new InvalidOperationException("An in-memory Azurite loses its data when stopped; start it with a data directory.");
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    private async Task LaunchAsync()
    {
        string[] storage = ["--inMemoryPersistence"];
        if (_dataDirectory is not null)
        {
            Directory.CreateDirectory(_dataDirectory);
            storage = ["--location", _dataDirectory];
        }

        // A restart, or a second emulator in the same folder, logs to a file of its own.
        Directory.CreateDirectory(_logDirectory);
        var name = "azurite";
        for (var n = 2; File.Exists(Path.Combine(_logDirectory, name + ".log")); n++)
        {
            name = $"azurite-{n}";
        }

        _process = ChildProcess.Start(RepoDirectory.Azurite,
        [
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", .. storage,
            "--blobPort", $"{BlobPort}", "--queuePort", $"{QueuePort}", "--tablePort", $"{TablePort}",
        ], _logDirectory, "Run `npm ci` in tests/.", logFile: Path.Combine(_logDirectory, name + ".log"));
        await _process.WaitForOutputAsync("Table service is successfully listening", StartTimeout);
        await _process.WaitForOutputAsync("Blob service is successfully listening", StartTimeout);
    }
}
