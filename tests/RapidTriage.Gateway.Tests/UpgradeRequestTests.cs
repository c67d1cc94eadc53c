using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// What a person with curl meets: an upgrade request with a bad header is told which header (400), a plain GET is
/// told to upgrade (426), and the protocol name the ack lists is accepted as a subprotocol.
/// </summary>
[Collection(RelayCollection.Name)]
public sealed class UpgradeRequestTests(RelayFixture fixture)
{
    /// <summary>The protocol document's troubleshooting curl sends this key; it decodes to 13 bytes, not 16.</summary>
    private const string DocumentKey = "SGVsbG8sIHdvcmxkIQ==";

    /// <summary>RFC 6455's own sample key: 16 bytes.</summary>
    private const string RfcKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Upgrade_KeyOfThirteenBytes_Returns400NamingTheKey()
    {
        var raw = await RawHttp.GetAsync(Server.BaseUri, "/extension-ws", webSocketKey: DocumentKey);

        Assert.Equal(400, raw.Status);
        Assert.Contains("invalid Sec-WebSocket-Key", raw.Body, StringComparison.Ordinal);
        Assert.Contains("16 random bytes", raw.Body, StringComparison.Ordinal);
        Assert.Contains("decodes to 13", raw.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Upgrade_KeyNotBase64_Returns400NamingTheKey()
    {
        var raw = await RawHttp.GetAsync(Server.BaseUri, "/mcp-ws", webSocketKey: "not base64!");

        Assert.Equal(400, raw.Status);
        Assert.Contains("invalid Sec-WebSocket-Key", raw.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Upgrade_Rfc6455SampleKey_Switches()
    {
        var raw = await RawHttp.GetAsync(Server.BaseUri, "/extension-ws", webSocketKey: RfcKey);

        Assert.Equal(101, raw.Status);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", raw.Headers["Sec-WebSocket-Accept"]);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Upgrade_WrongVersion_Returns400NamingTheVersion()
    {
        var raw = await RawHttp.GetAsync(Server.BaseUri, "/extension-ws",
            [("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "8"), ("Sec-WebSocket-Key", RfcKey)], upgrade: false);

        Assert.Equal(400, raw.Status);
        Assert.Contains("Sec-WebSocket-Version must be 13", raw.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task PlainGet_Returns426()
    {
        var raw = await RawHttp.GetAsync(Server.BaseUri, "/extension-ws", upgrade: false);

        Assert.Equal(426, raw.Status);
        Assert.Equal("websocket", raw.Headers["Upgrade"]);
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension)]
    [InlineData(Endpoints.Mcp)]
    [InlineData(Endpoints.Tunnel)]
    public async Task Subprotocol_RapidTriageV1_IsAcceptedOnEveryEndpoint(string endpoint)
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(endpoint, session, o => o.AddSubProtocol("rapidtriage-v1"));

        Assert.Equal("rapidtriage-v1", client.Subprotocol);
        Assert.Equal("rapidtriage-v1", client.Ack["data"]!["supportedProtocols"]![0]!.GetValue<string>());
    }
}
