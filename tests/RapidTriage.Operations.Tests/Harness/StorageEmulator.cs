using RapidTriage.Cluster.Tests;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests.Harness;

/// <summary>
/// Azurite from tests/node_modules on free loopback ports, its data in a folder of its own so that it can be
/// stopped (storage outage) and started again on the same ports with the same tables and blobs.
/// </summary>
internal sealed class StorageEmulator : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account key (public, documented by Azurite).</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _logDirectory;
    private readonly string _dataDirectory;
    private readonly int _blobPort = FreePort.Next();
    private readonly int _queuePort = FreePort.Next();
    private readonly int _tablePort = FreePort.Next();
    private NodeProcess? _process;
    private int _starts;

    private StorageEmulator(string logDirectory)
    {
        _logDirectory = logDirectory;
        _dataDirectory = Path.Combine(logDirectory, "azurite-data");
        Directory.CreateDirectory(_dataDirectory);
    }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        $";BlobEndpoint=http://127.0.0.1:{_blobPort}/devstoreaccount1" +
        $";QueueEndpoint=http://127.0.0.1:{_queuePort}/devstoreaccount1" +
        $";TableEndpoint=http://127.0.0.1:{_tablePort}/devstoreaccount1";

    public static async Task<StorageEmulator> StartAsync(string logDirectory)
    {
        var emulator = new StorageEmulator(logDirectory);
        try
        {
            await emulator.RestartAsync();
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }

        return emulator;
    }

    /// <summary>Starts it (again) on its ports, with the data it had.</summary>
    public async Task RestartAsync()
    {
        var process = NodeProcess.Start($"azurite-{++_starts}", RepoPaths.Azurite,
        [
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--location", _dataDirectory,
            "--blobPort", $"{_blobPort}", "--queuePort", $"{_queuePort}", "--tablePort", $"{_tablePort}",
        ], _logDirectory, workingDirectory: _logDirectory);
        _process = process;
        await process.WaitForOutputAsync("Table service is successfully listening", TimeSpan.FromSeconds(30));
        await process.WaitForOutputAsync("Blob service is successfully listening", TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Stops it (SIGTERM, so it saves what it holds, as a real outage loses nothing): every storage request fails
    /// until <see cref="RestartAsync"/>.
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

    public async ValueTask DisposeAsync() => await StopAsync();
}
