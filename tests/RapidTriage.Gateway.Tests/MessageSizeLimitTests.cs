using System.Net.WebSockets;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 3 with a configured <c>Relay:MaxMessageSize</c>: the ack reports it and 1009 enforces it.</summary>
[Collection(TunedRelayCollection.Name)]
public sealed class MessageSizeLimitTests(TunedRelayFixture fixture)
{
    private const int Limit = TunedRelayFixture.MaxMessageSize;

    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Ack_ConfiguredLimit_ReportedAsMaxMessageSize()
    {
        await using var client = await Server.ConnectAsync(Endpoints.Mcp, RelayFixture.NewSession());

        Assert.Equal(Limit, client.Ack["data"]!["maxMessageSize"]!.GetValue<int>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Frame_OverConfiguredLimit_ClosesWith1009_AtLimitIsRelayed()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendBytesAsync(CloseCodeTests.Frame("at-limit", Limit));
        Assert.Equal("at-limit", (await receiver.ReceiveTypeAsync("console-log")).Id());
        await sender.SendBytesAsync(CloseCodeTests.Frame("over-limit", Limit + 1));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await sender.WaitForCloseAsync());
        Assert.DoesNotContain(await receiver.DrainAsync(TimeSpan.FromMilliseconds(300)), f => f.Id() == "over-limit");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Frame_FragmentsOverConfiguredLimit_ClosesWith1009()
    {
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, RelayFixture.NewSession());
        var whole = CloseCodeTests.Frame("fragments", Limit + 100);

        await sender.SendFragmentsAsync(WebSocketMessageType.Text, whole[..1000], whole[1000..3000], whole[3000..]);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await sender.WaitForCloseAsync());
    }
}
