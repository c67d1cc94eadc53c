using System.Globalization;
using System.Text.RegularExpressions;
using RapidTriage.Testing;

namespace RapidTriage.BrowserTools.Tests;

/// <summary><c>@agentdeskai/browser-tools-server</c> 1.2.0, the original connector, as a child process on a loopback port.</summary>
internal sealed partial class OriginalServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private OriginalServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.Describe();

    public static async Task<OriginalServer> StartAsync(CancellationToken cancellationToken)
    {
        var package = BrowserToolsSetup.Package("@agentdeskai/browser-tools-server");
        var process = ChildProcess.Start(
            "node",
            [Path.Combine(package, "dist", "browser-connector.js")],
            BrowserToolsSetup.TestsFolder,
            "Install Node.js 18 or later.",
            new Dictionary<string, string?>
            {
                ["PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),

                // Its default is every interface; these machines allow loopback only.
                ["SERVER_HOST"] = "127.0.0.1",
            });
        try
        {
            await process.WaitForOutputAsync("Aggregator listening on", TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        // It moves to the next port when the one asked for was taken meanwhile: read the one it chose.
        var port = int.Parse(Listening().Match(process.StandardOutput).Groups[1].Value, CultureInfo.InvariantCulture);
        return new OriginalServer(process, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"Aggregator listening on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
