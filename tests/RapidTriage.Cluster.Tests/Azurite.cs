using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary>
/// The Azure Storage emulator from tests/node_modules, on free loopback ports, keeping its data in memory:
/// the real table and blob protocols the Orleans providers speak, nothing from Azure itself.
/// </summary>
internal sealed class Azurite : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account key (public, documented by Azurite).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly NodeProcess _process;

    private Azurite(NodeProcess process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
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

    public static async Task<Azurite> StartAsync(string logDirectory)
    {
        int blob = FreePort.Next(), queue = FreePort.Next(), table = FreePort.Next();
        var process = NodeProcess.Start("azurite", RepoPaths.Azurite,
        [
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--inMemoryPersistence",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        ], logDirectory, workingDirectory: logDirectory);
        var azurite = new Azurite(process, blob, queue, table);
        try
        {
            await process.WaitForOutputAsync("Table service is successfully listening", TimeSpan.FromSeconds(30));
            await process.WaitForOutputAsync("Blob service is successfully listening", TimeSpan.FromSeconds(5));
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
