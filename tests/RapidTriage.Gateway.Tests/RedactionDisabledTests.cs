using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 6 with <c>Relay:Redaction:Enabled=false</c>: headers pass as they came.</summary>
[Collection(TunedRelayCollection.Name)]
public sealed class RedactionDisabledTests(TunedRelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task NetworkRequest_RedactionDisabled_ForwardedAndStoredUnchanged()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);
        var original = JsonNode.Parse(RedactionTests.NetworkRequest)!["data"];

        await sender.SendTextAsync(RedactionTests.NetworkRequest);

        var received = await receiver.ReceiveTypeAsync("network-request");
        Assert.True(JsonNode.DeepEquals(original, received["data"]), received["data"]!.ToJsonString());
        var stored = Assert.Single((await RedactionTests.HttpEventsAsync(Server, session))["events"]!.AsArray())!;
        Assert.True(JsonNode.DeepEquals(original, stored["data"]), stored.ToJsonString());
    }
}
