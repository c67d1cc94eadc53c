using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary>
/// The Azure Storage emulator from tests/node_modules, on free loopback ports, keeping its data in memory (or on
/// disk, to be killed and restarted): the real table and blob protocols the Orleans providers speak, nothing from
/// Azure itself.
/// </summary>
internal sealed class Azurite : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account key (public, documented by Azurite).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _logDirectory;
    private readonly string? _dataDirectory;
    private NodeProcess _process;
    private int _starts;

    private Azurite(NodeProcess process, string logDirectory, string? dataDirectory, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _logDirectory = logDirectory;
        _dataDirectory = dataDirectory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        $";BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1" +
        $";QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1" +
        $";TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1";

    /// <summary>
    /// Starts the emulator. With <paramref name="dataDirectory"/> it keeps its data there instead of in memory,
    /// so it can be killed and started again (<see cref="RestartAsync"/>) with its tables and blobs intact.
    /// </summary>
    public static async Task<Azurite> StartAsync(string logDirectory, string? dataDirectory = null)
    {
        int blob = FreePort.Next(), queue = FreePort.Next(), table = FreePort.Next();
        var azurite = new Azurite(Launch(logDirectory, dataDirectory, "azurite", blob, queue, table), logDirectory, dataDirectory, blob, queue, table);
        try
        {
            await azurite.WaitListeningAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    /// <summary>SIGKILL, as a storage outage.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Starts it again on the same ports and data (only with a data directory).</summary>
    public async Task RestartAsync()
    {
        if (_dataDirectory is null)
        {
            throw new InvalidOperationException("An in-memory Azurite loses its data when stopped; start it with a data directory.");
        }

        await _process.DisposeAsync();
        _process = Launch(_logDirectory, _dataDirectory, $"azurite-{++_starts}", BlobPort, QueuePort, TablePort);
        await WaitListeningAsync();
    }

    private static NodeProcess Launch(string logDirectory, string? dataDirectory, string name, int blob, int queue, int table)
    {
        string[] storage = dataDirectory is null ? ["--inMemoryPersistence"] : ["--location", dataDirectory];
        return NodeProcess.Start(name, RepoPaths.Azurite,
        [
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", .. storage,
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        ], logDirectory, workingDirectory: logDirectory);
    }

    private async Task WaitListeningAsync()
    {
        await _process.WaitForOutputAsync("Table service is successfully listening", TimeSpan.FromSeconds(30));
        await _process.WaitForOutputAsync("Blob service is successfully listening", TimeSpan.FromSeconds(5));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
