using System.Net;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>Hosted mode: <c>/mcp</c> needs a Bearer token whose <c>sid</c> picks the session (401/403 as the tunnel).</summary>
public sealed class HostedModeTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync("Relay:Mode=Hosted");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_NoToken_Gets401WithChallenge()
    {
        var (status, _, response) = await McpHttp.PostAsync(_server);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task McpClient_NoToken_CannotConnect()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => McpClients.ConnectAsync(_server, session: null));

        Assert.Equal(HttpStatusCode.Unauthorized, AdmissionTests.StatusOf(refused));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_TokenForAnotherSession_Gets403()
    {
        var token = RelayServer.Token("session-a");

        var (status, body, _) = await McpHttp.PostAsync(_server, "session-b", headers: [("Authorization", "Bearer " + token)]);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("token is for another session", body, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_ExpiredToken_Gets401()
    {
        var token = RelayServer.Token("session-a", lifetime: TimeSpan.FromMinutes(-5));

        var (status, _, _) = await McpHttp.PostAsync(_server, headers: [("Authorization", "Bearer " + token)]);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tools_WithToken_ReadTheTokensSession()
    {
        var session = McpRelayFixture.NewSession();
        var token = RelayServer.Token(session);
        await using var extension = await ScriptedExtension.ConnectAsync(_server, session, token: token);
        var seq = await extension.PublishAsync("console-error", new { message = "hosted failure" });
        await using var client = await McpClients.ConnectAsync(_server, session: null, new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });

        var errors = (await client.CallAsync("getConsoleErrors")).Structured();
        var status = (await client.CallAsync("getConnectionStatus")).Structured();

        Assert.Equal(session, errors["sessionId"]!.GetValue<string>());
        Assert.Equal(seq, Assert.Single(errors.Events())["seq"]!.GetValue<long>());
        Assert.True(status["browserConnected"]!.GetValue<bool>());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task StdioCommand_TokenFromTheEnvironment_ReadsTheTokensSession()
    {
        var session = McpRelayFixture.NewSession();
        var token = RelayServer.Token(session);
        await using var extension = await ScriptedExtension.ConnectAsync(_server, session, token: token);
        var seq = await extension.PublishAsync("page-navigated", new { url = "https://hosted.example/", title = "Hosted" });
        await using var stdio = await StdioCommandTests.StartAsync(
            new Dictionary<string, string?> { ["RAPIDTRIAGE_TOKEN"] = token }, _server.BaseUri.ToString());

        var page = (await stdio.CallAsync("getPageInfo")).Structured();

        Assert.Equal(session, page["sessionId"]!.GetValue<string>());
        Assert.Equal(seq, page["seq"]!.GetValue<long>());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task StdioCommand_NoToken_ToolErrorSaysTheTokenWasRefused()
    {
        await using var stdio = await StdioCommandTests.StartAsync(
            new Dictionary<string, string?> { ["RAPIDTRIAGE_TOKEN"] = null }, _server.BaseUri.ToString());

        var error = (await stdio.CallAsync("getConsoleLogs")).Error();

        Assert.Contains("refused the token (401)", error, StringComparison.Ordinal);
    }
}
