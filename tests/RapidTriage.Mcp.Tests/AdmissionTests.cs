using System.Net;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>Local mode: <c>/mcp</c> refuses what the WebSocket endpoints refuse (docs/protocol.md sections 1 and 9).</summary>
[Collection(McpRelayCollection.Name)]
public sealed class AdmissionTests(McpRelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_NoOrigin_IsServed()
    {
        var (status, body, _) = await McpHttp.PostAsync(Server, McpRelayFixture.NewSession());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"serverInfo\"", body, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_AllowedOrigin_IsServed()
    {
        var (status, _, _) = await McpHttp.PostAsync(Server, headers: [("Origin", "chrome-extension://abcdefghijklmnop")]);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_ForeignOrigin_Gets403()
    {
        var (status, body, _) = await McpHttp.PostAsync(Server, headers: [("Origin", "https://evil.example")]);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("origin https://evil.example is not allowed", body, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task McpClient_ForeignOrigin_CannotConnect()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            McpClients.ConnectAsync(Server, McpRelayFixture.NewSession(), new Dictionary<string, string> { ["Origin"] = "https://evil.example" }));

        Assert.Equal(HttpStatusCode.Forbidden, StatusOf(refused));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("evil.example")]
    [InlineData("rebind.attacker.test:3025")]
    public async Task Post_RebindingHost_Gets403(string host)
    {
        var (status, _, _) = await McpHttp.PostAsync(Server, host: host);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_BadSessionId_Gets400()
    {
        var (status, body, _) = await McpHttp.PostAsync(Server, "no/slashes allowed");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Bad session id", body, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Post_NoSessionId_UsesTheDefaultSession()
    {
        await using var extension = await ScriptedExtension.ConnectAsync(Server, "local");
        var seq = await extension.PublishAsync("page-navigated", new { url = "https://default.example/", title = "Default" });
        await using var client = await McpClients.ConnectAsync(Server, session: null);

        var page = (await client.CallAsync("getPageInfo")).Structured();

        Assert.Equal("local", page["sessionId"]!.GetValue<string>());
        Assert.Equal(seq, page["seq"]!.GetValue<long>());
    }

    internal static HttpStatusCode? StatusOf(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { StatusCode: { } status })
            {
                return status;
            }
        }

        return null;
    }
}
