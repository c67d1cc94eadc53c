using RapidTriage.Testing;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>What the tests start: a relay with a private screenshot folder, and the npm packages of <c>tests/</c>.</summary>
internal static class BrowserToolsSetup
{
    /// <summary>The ports BrowserTools' MCP server and extension scan for their server.</summary>
    public const int FirstScannedPort = 3025;

    public const int LastScannedPort = 3035;

    /// <summary>Every async test's deadline (milliseconds); the child-process tests take the longest.</summary>
    public const int TestTimeoutMs = 180_000;

    /// <summary>The repository's <c>tests/</c> folder (its <c>node_modules</c> comes from <c>npm ci</c>).</summary>
    public static string TestsFolder { get; } = LocateTests();

    public static string NodeModules => Path.Combine(TestsFolder, "node_modules");

    /// <summary>A relay whose screenshots go to a new temporary folder; on a port BrowserTools scans when asked.</summary>
    public static async Task<(RelayServer Relay, string Screenshots)> StartRelayAsync(bool inScannedRange = false, params string[] settings)
    {
        var screenshots = Directory.CreateTempSubdirectory("rt-bt-shots-").FullName;
        var all = new List<string>(settings) { $"Relay:BrowserTools:ScreenshotFolder={screenshots}" };
        if (inScannedRange)
        {
            all.Add($"Relay:Urls=http://127.0.0.1:{FreePort.InRange(FirstScannedPort, LastScannedPort)}");
        }

        return (await RelayServer.StartAsync([.. all]), screenshots);
    }

    /// <summary>Fails with what to run when the npm packages are missing.</summary>
    public static string Package(string name)
    {
        var folder = Path.Combine(NodeModules, name);
        return Directory.Exists(folder)
            ? folder
            : throw new InvalidOperationException($"{folder} is missing: run `npm ci` in {TestsFolder} (tests/run-all.sh does).");
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the OS's temp cleanup.
        }
    }

    private static string LocateTests()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tests = Path.Combine(dir.FullName, "tests");
            if (File.Exists(Path.Combine(dir.FullName, "RapidTriage.Orleans.sln")) && File.Exists(Path.Combine(tests, "package.json")))
            {
                return tests;
            }
        }

        throw new InvalidOperationException($"No tests/package.json above {AppContext.BaseDirectory}.");
    }
}
