using System.Text.Json.Nodes;

namespace RapidTriage.Cluster.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class CrossGatewayTests(AzuriteFixture fixture)
{
    [Fact(Timeout = 120_000)]
    public async Task ExtensionOnGatewayA_TunnelOnGatewayB_ExchangeEventsCommandsAndResponsesInOrder()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var session = Sessions.New();
        await using var tunnel = await Peer.TunnelAsync(cluster, 1, session,
            new { clientType = "remote-connector", capabilities = new[] { "screenshot-capture" } });
        await using var extension = await Peer.ExtensionAsync(cluster, 0, session);

        var joined = await tunnel.ReceiveTypeAsync("member-joined");
        Assert.Equal(extension.ConnectionId, joined["data"]!["connectionId"]!.GetValue<string>());
        var roster = await SessionApiClient.RosterAsync(cluster, 0, session);
        var gateways = roster["members"]!.AsArray().Select(m => m!["gateway"]!.GetValue<string>()).ToList();
        Assert.Equal(2, gateways.Count);
        Assert.NotEqual(gateways[0], gateways[1]);

        for (var i = 1; i <= 20; i++)
        {
            Assert.True(await extension.SendAsync(new { type = "console-log", id = $"a{i}", data = new { message = $"from A {i}" } }));
        }

        var atB = await tunnel.ReceiveManyAsync("console-log", 20);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"a{i}"), atB.Select(Id));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), atB.Select(Seq));
        Assert.All(atB, e => Assert.Equal(extension.ConnectionId, e["metadata"]!["connectionId"]!.GetValue<string>()));

        for (var i = 1; i <= 20; i++)
        {
            Assert.True(await tunnel.SendAsync(new { type = "network-request", id = $"b{i}", data = new { url = $"https://example.test/{i}" } }));
        }

        var atA = await extension.ReceiveManyAsync("network-request", 20);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"b{i}"), atA.Select(Id));
        Assert.Equal(Enumerable.Range(21, 20).Select(i => (long)i), atA.Select(Seq));

        // A command from B is served on A and answered back to B; then the other way round.
        await tunnel.SendAsync(new { type = "screenshot-request", id = "shot-b", data = new { format = "png" } });
        var requestAtA = await extension.ReceiveTypeAsync("screenshot-request");
        Assert.Equal(tunnel.ConnectionId, requestAtA["metadata"]!["connectionId"]!.GetValue<string>());

        // The handler answers with the id it received (the session's correlation id); the requester gets its own back.
        await extension.SendAsync(new { type = "screenshot-response", id = Id(requestAtA), data = new { success = true, base64 = "AAAA" } });
        var responseAtB = await tunnel.ReceiveTypeAsync("screenshot-response");
        Assert.Equal("shot-b", Id(responseAtB));
        Assert.True(responseAtB["data"]!["success"]!.GetValue<bool>());

        await extension.SendAsync(new { type = "screenshot-request", id = "shot-a", data = new { format = "png" } });
        var requestAtB = await tunnel.ReceiveTypeAsync("screenshot-request");
        Assert.Equal(extension.ConnectionId, requestAtB["metadata"]!["connectionId"]!.GetValue<string>());
        await tunnel.SendAsync(new { type = "screenshot-response", id = Id(requestAtB), data = new { success = true, base64 = "BBBB" } });
        var responseAtA = await extension.ReceiveTypeAsync("screenshot-response");
        Assert.Equal("shot-a", Id(responseAtA));
        Assert.Equal("BBBB", responseAtA["data"]!["base64"]!.GetValue<string>());
    }

    internal static string Id(JsonObject frame) => frame["id"]!.GetValue<string>();

    internal static long Seq(JsonObject frame) => frame["seq"]!.GetValue<long>();
}
