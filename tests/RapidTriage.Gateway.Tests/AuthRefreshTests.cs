using System.Net.WebSockets;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 3: in-band token renewal, and the 4001 close it prevents.</summary>
[Collection(RelayCollection.Name)]
public sealed class AuthRefreshTests(RelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task AuthRefresh_TokenForSameSession_AnsweredWithAck()
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(Endpoints.Tunnel, session);

        await client.SendAsync(new { type = "auth-refresh", id = "ar-1", data = new { token = RelayServer.Token(session, TimeSpan.FromHours(1)) } });

        var ack = await client.ReceiveTypeAsync("auth-refresh-ack");
        Assert.Equal("ar-1", ack.Id());
        Assert.Equal("alive", (await client.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task AuthRefresh_TokenForAnotherSession_ForbiddenAndStaysOpen()
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(Endpoints.Tunnel, session);

        await client.SendAsync(new { type = "auth-refresh", id = "ar-2", data = new { token = RelayServer.Token(RelayFixture.NewSession()) } });

        EnvelopeValidationTests.AssertError(await client.ReceiveTypeAsync("error"), "forbidden", "ar-2");
        Assert.Equal("alive", (await client.HeartbeatAsync()).DataString("status"));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("{\"type\":\"auth-refresh\",\"id\":\"ar-3\",\"data\":{\"token\":\"garbage\"}}")]
    [InlineData("{\"type\":\"auth-refresh\",\"id\":\"ar-3\",\"data\":{\"token\":5}}")]
    [InlineData("{\"type\":\"auth-refresh\",\"id\":\"ar-3\"}")]
    public async Task AuthRefresh_UnusableToken_ErrorAndStaysOpen(string frame)
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(Endpoints.Tunnel, session);

        await client.SendTextAsync(frame);

        var error = await client.ReceiveTypeAsync("error");
        Assert.Equal("ar-3", error["data"]!["refId"]!.GetValue<string>());
        Assert.Equal("alive", (await client.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Token_ExpiresWithoutRefresh_ClosesWith4001()
    {
        var session = RelayFixture.NewSession();
        await using var client = await TestClient.ConnectAsync(
            Server.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(RelayServer.Token(session, TimeSpan.FromSeconds(2))));

        Assert.Equal((WebSocketCloseStatus)4001, await client.WaitForCloseAsync(TimeSpan.FromSeconds(8)));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Token_RefreshedBeforeExpiry_ConnectionOutlivesFirstToken()
    {
        var session = RelayFixture.NewSession();
        await using var client = await TestClient.ConnectAsync(
            Server.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(RelayServer.Token(session, TimeSpan.FromSeconds(2))));

        await client.SendAsync(new { type = "auth-refresh", id = "ar-4", data = new { token = RelayServer.Token(session, TimeSpan.FromHours(1)) } });
        await client.ReceiveTypeAsync("auth-refresh-ack");
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal("alive", (await client.HeartbeatAsync()).DataString("status"));
    }
}
