using RapidTriage.Testing;
using Xunit.Abstractions;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// Ctrl+C on <c>dotnet run --project gateway</c>, as the built gateway process in local mode with its embedded silo
/// and the shipped appsettings.json logging: a session was open, yet the stop is quiet and exits 0.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly LocalCluster _processes = new(TestLogs.Directory(nameof(ShutdownTests)));
    private ClusterNode _gateway = null!;

    public async Task InitializeAsync()
    {
        // The log levels a person running the gateway sees (appsettings.json), not the harness's quieter ones.
        _gateway = _processes.StartLocalGateway("gateway",
            "--Logging:LogLevel:Default=Information",
            "--Logging:LogLevel:Orleans=Warning",
            "--Relay:DrainWindow=00:00:01",

            // The extension's id pinned, as README advises: otherwise start-up rightly warns that any extension may connect.
            "--Relay:AllowedOrigins:0=chrome-extension://abcdefghijklmnopabcdefghijklmnop");
        await _gateway.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await _processes.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task Gateway_SigintAfterASession_ExitsZeroWithNoWarningOrStackTrace()
    {
        var session = "stop-" + Guid.NewGuid().ToString("N")[..8];
        var extension = await TestClient.ConnectAsync(_gateway.WebSocket($"/extension-ws?sessionId={session}"));
        var mcp = await TestClient.ConnectAsync(_gateway.WebSocket($"/mcp-ws?sessionId={session}"));
        await extension.ReceiveTypeAsync("member-joined");
        await extension.SendAsync(new { type = "console-log", id = "before-stop", data = new { message = "hello" } });
        Assert.Equal("before-stop", (await mcp.ReceiveTypeAsync("console-log"))["id"]!.GetValue<string>());

        // The session grain is active with history to write when the silo stops.
        await _gateway.Process.StopAsync(TimeSpan.FromSeconds(30), signal: "INT");
        await extension.DisposeAsync();
        await mcp.DisposeAsync();

        var lines = _gateway.Process.Output;
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        Assert.Equal(0, _gateway.Process.ExitCode);
        Assert.Contains(lines, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
        var noisy = lines.Where(l =>
            l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) ||
            l.StartsWith("crit:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal) ||
            l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToList();
        Assert.True(noisy.Count == 0, "a clean stop logged:\n" + string.Join('\n', noisy));

        // Orleans places grains through a Polly pipeline that logs every placement at Information.
        Assert.DoesNotContain(lines, l => l.Contains("Polly", StringComparison.Ordinal));
    }
}
