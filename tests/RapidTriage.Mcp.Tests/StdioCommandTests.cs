using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>
/// <c>gateway mcp --url …</c>: the same tools over stdio, driven by the SDK's client starting the real command
/// (<c>dotnet RapidTriage.Gateway.dll mcp</c>), which talks to the relay's <c>/mcp</c> over HTTP.
/// </summary>
[Collection(McpRelayCollection.Name)]
public sealed class StdioCommandTests(McpRelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task StdioCommand_AgainstTheRelay_ServesTheSameToolsAndImages()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        var seq = await extension.PublishAsync("console-error", new { message = "stdio sees this" });
        await using var http = await McpClients.ConnectAsync(Server, session);
        await using var stdio = await StartAsync(Server.BaseUri.ToString(), "--session", session);
        var png = TestPng.Create(3, 2);

        var overHttp = await http.ListToolsAsync();
        var overStdio = await stdio.ListToolsAsync();
        var errors = (await stdio.CallAsync("getConsoleErrors")).Structured();
        var answering = extension.AnswerScreenshotAsync(png);
        var screenshot = await stdio.CallAsync("takeScreenshot");
        await answering;

        Assert.Equal(overHttp.Select(t => t.Name).Order(StringComparer.Ordinal), overStdio.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            overHttp.Single(t => t.Name == "getNetworkLogs").JsonSchema.GetRawText(),
            overStdio.Single(t => t.Name == "getNetworkLogs").JsonSchema.GetRawText());
        Assert.Equal(seq, Assert.Single(errors.Events())["seq"]!.GetValue<long>());
        Assert.Equal(png, Assert.Single(screenshot.Content.OfType<ImageContentBlock>()).DecodedData.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task StdioCommand_ToolErrorFromTheRelay_PassesThrough()
    {
        var session = McpRelayFixture.NewSession();
        await using var stdio = await StartAsync(Server.BaseUri.ToString(), "--session", session);

        var error = (await stdio.CallAsync("takeScreenshot")).Error();

        Assert.Contains($"No browser that can take screenshots is connected to session '{session}'", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task StdioCommand_RelayDown_ToolErrorSaysItCannotBeReached()
    {
        var dead = $"http://127.0.0.1:{FreePort.Next()}";
        await using var stdio = await StartAsync(dead);

        var error = (await stdio.CallAsync("getConsoleLogs")).Error();

        Assert.Contains($"Cannot reach the relay at {dead}/mcp", error, StringComparison.Ordinal);
    }

    private static Task<McpClient> StartAsync(params string[] relayArgs) => StartAsync(null, relayArgs);

    /// <summary>Starts <c>dotnet RapidTriage.Gateway.dll mcp --url …</c> as the SDK's stdio client does.</summary>
    internal static async Task<McpClient> StartAsync(Dictionary<string, string?>? environment, params string[] relayArgs)
    {
        var gateway = Path.Combine(AppContext.BaseDirectory, "RapidTriage.Gateway.dll");
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "rapidtriage-stdio",
            Command = "dotnet",
            Arguments = [gateway, "mcp", "--url", .. relayArgs],
            WorkingDirectory = AppContext.BaseDirectory,
            EnvironmentVariables = environment,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await McpClient.CreateAsync(transport, cancellationToken: timeout.Token);
    }
}
