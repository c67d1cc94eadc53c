using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

[Collection(RelayCollection.Name)]
public sealed class SmokeTests(RelayFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ExtensionEvent_ReachesMcpClient_WithSeqAndMetadata()
    {
        var session = RelayFixture.NewSession();
        await using var mcp = await TestClient.ConnectInitializedAsync(
            fixture.Server.WebSocketUri($"/mcp-ws?sessionId={session}"), new { clientType = "mcp-test" });
        await using var extension = await TestClient.ConnectInitializedAsync(
            fixture.Server.WebSocketUri($"/extension-ws?sessionId={session}"), new { clientType = "chrome-extension" });

        await extension.SendAsync(new { type = "console-log", id = "m1", data = new { level = "info", message = "hello" } });

        var received = await mcp.ReceiveTypeAsync("console-log");
        Assert.Equal("m1", received["id"]!.GetValue<string>());
        Assert.Equal("hello", received["data"]!["message"]!.GetValue<string>());
        Assert.Equal(1, received["seq"]!.GetValue<long>());
        Assert.Equal(session, received["metadata"]!["sessionId"]!.GetValue<string>());
        Assert.Equal(extension.ConnectionId, received["metadata"]!["connectionId"]!.GetValue<string>());
        Assert.Equal("chrome-extension", received["metadata"]!["source"]!.GetValue<string>());
    }
}
