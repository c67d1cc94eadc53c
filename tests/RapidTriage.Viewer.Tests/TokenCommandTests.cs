using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary><c>gateway token</c> prints a viewer link that opens the session in the browser.</summary>
[Collection(ViewerCollection.Name)]
public sealed class TokenCommandTests(ViewerFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task TokenCommand_WithUrl_PrintsViewerLinkThatOpensTheSession()
    {
        var session = ViewerFixture.NewSession("link");
        var baseUrl = fixture.Relay.BaseUri.ToString().TrimEnd('/');

        var (code, output, errors) = await RunGatewayAsync("token", "--session", session, "--key", RelayServer.SigningKey, "--url", baseUrl);

        Assert.True(code == 0, errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        var token = lines[0];
        Assert.Equal($"Viewer: {baseUrl}/sessions/{session}#token={token}", lines[1]);
        await using var viewer = await fixture.Chromium.NewPageAsync();
        await viewer.Page.GotoAsync(lines[1]["Viewer: ".Length..]);
        await viewer.WaitLiveAsync();
        viewer.AssertNoProblems();
    }

    [Theory(Timeout = TestTimeouts.Long)]
    [InlineData("ftp://relay.example.com")]
    [InlineData("relay.example.com")]
    [InlineData("https://relay.example.com/?x=1")]
    public async Task TokenCommand_BadUrl_ExitsWithClearError(string url)
    {
        var (code, output, errors) = await RunGatewayAsync("token", "--session", "s1", "--key", RelayServer.SigningKey, "--url", url);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("Bad --url", errors, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Errors)> RunGatewayAsync(params string[] args)
    {
        await using var gateway = await ChildProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "RapidTriage.Gateway.dll"), .. args],
            AppContext.BaseDirectory, TimeSpan.FromSeconds(60));
        return (gateway.ExitCode, gateway.StandardOutput, gateway.StandardError);
    }
}
