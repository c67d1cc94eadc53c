using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Clients.Tests;

/// <summary>The protocol document's Node.js client (<c>node/mcp-client.js</c>), unchanged, on <c>/mcp-ws</c>.</summary>
[Collection(ClientsCollection.Name)]
public sealed class NodeClientTests(ClientsFixture fixture)
{
    private const string ScreenshotPath = "/tmp/rapidtriage/screenshot-1.png";

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task NodeClient_ScreenshotRequestWithExtensionPresent_GetsAckAndScreenshotResponse()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var session = ClientsFixture.NewSession();
        await using var extension = await TestClient.ConnectInitializedAsync(
            fixture.Server.WebSocketUri($"/extension-ws?sessionId={session}"),
            new { clientType = "chrome-extension", capabilities = new[] { "console-capture", "network-capture", "screenshot-capture" } });
        var answering = AnswerOneScreenshotAsync(extension);

        // The driver's screenshot timer starts when it begins connecting, not when the socket opens, and the client
        // drops a request sent before that (its send checks readyState). 300 ms was too little on a loaded CI machine
        // (the request was never sent); 1.5 s leaves the connect that margin and the answer 2.5 s.
        await using var node = ChildProcess.Start("node",
            [Path.Combine(fixture.Clients.NodeFolder, "mcp-client.js"), fixture.Server.WebSocketUri($"/mcp-ws?sessionId={session}").AbsoluteUri,
             "--seconds", "4", "--screenshot-after", "1500"],
            fixture.Clients.NodeFolder,
            "Install Node.js 18 or later and put `node` on PATH.");
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(20), timeout.Token);
        await Task.WhenAny(answering, Task.Delay(TimeSpan.FromSeconds(5), timeout.Token));

        Assert.True(exitCode == 0, $"The Node client exited with {exitCode} (3: never opened).\n{node.Describe()}");
        Assert.True(answering.IsCompletedSuccessfully, $"The extension got no screenshot-request: {answering.Exception?.GetBaseException().Message}\n{node.Describe()}");
        var request = await answering;
        Assert.True(request["data"]?["fullPage"]?.GetValue<bool>() == true, $"The request lost its data: {request.ToJsonString()}");

        var received = ReceivedMessages.Parse(node.StandardOutput);
        var ack = Assert.Single(received.OfType("connection-ack"));
        Assert.Equal(session, ack.Text("sessionId"));
        var response = Assert.Single(received.OfType("screenshot-response"));
        // The extension saw the session's correlation id; the Node client gets the answer under the id its request
        // carried (the gateway named it: the client sends none), so the two differ.
        Assert.False(string.IsNullOrEmpty(response["id"]?.GetValue<string>()), node.Describe());
        Assert.NotEqual(request["id"]!.GetValue<string>(), response["id"]?.GetValue<string>());
        Assert.True(response["data"]?["success"]?.GetValue<bool>() == true, node.Describe());
        Assert.Equal(ScreenshotPath, response.Text("path"));
        Assert.Contains($"Screenshot captured: {ScreenshotPath}", node.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The test extension: answers the first screenshot-request with a successful response of the same id.</summary>
    private static async Task<JsonObject> AnswerOneScreenshotAsync(TestClient extension)
    {
        var request = await extension.ReceiveTypeAsync("screenshot-request", TimeSpan.FromSeconds(15));
        await extension.SendAsync(new
        {
            type = "screenshot-response",
            id = request["id"]!.GetValue<string>(),
            data = new { success = true, path = ScreenshotPath, format = "png", width = 1280, height = 720 },
        });
        return request;
    }
}
