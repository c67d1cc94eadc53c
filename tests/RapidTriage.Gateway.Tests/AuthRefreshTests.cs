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

        Assert.Equal((WebSocketCloseStatus)4001, await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Token_RefreshedBeforeExpiry_ConnectionOutlivesFirstToken()
    {
        // exp has whole-second precision, so a 2 s token may have barely a second left; 4 s leaves room for a
        // loaded machine to finish the handshake and the refresh before the first token runs out.
        var session = RelayFixture.NewSession();
        await using var client = await TestClient.ConnectAsync(
            Server.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(RelayServer.Token(session, TimeSpan.FromSeconds(4))));

        await client.SendAsync(new { type = "auth-refresh", id = "ar-4", data = new { token = RelayServer.Token(session, TimeSpan.FromMinutes(5)) } });
        var ack = await client.ReceiveTypeAsync("auth-refresh-ack");
        Assert.Equal("ar-4", ack.Id());
        Assert.True(ack["data"]!["expiresAt"]!.GetValue<long>() > DateTimeOffset.UtcNow.AddMinutes(4).ToUnixTimeMilliseconds());

        // The behaviour under test is the passing of time: past the first token's expiry, the socket is still served.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal("alive", (await client.HeartbeatAsync()).DataString("status"));
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task AuthRefresh_RefusedTokens_LeaveTheFirstExpiryStanding_ClosesWith4001()
    {
        var session = RelayFixture.NewSession();
        await using var client = await TestClient.ConnectAsync(
            Server.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(RelayServer.Token(session, TimeSpan.FromSeconds(3))));

        await client.SendAsync(new { type = "auth-refresh", id = "f", data = new { token = RelayServer.Token(RelayFixture.NewSession()) } });
        EnvelopeValidationTests.AssertError(await client.ReceiveTypeAsync("error"), "forbidden", "f");
        await client.SendAsync(new { type = "auth-refresh", id = "b", data = new { token = "nonsense" } });
        EnvelopeValidationTests.AssertError(await client.ReceiveTypeAsync("error"), "invalid-token", "b");

        Assert.Equal((WebSocketCloseStatus)4001, await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }
}
