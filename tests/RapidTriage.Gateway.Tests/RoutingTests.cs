using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 4: who receives events, commands and responses, and what the server answers itself.</summary>
[Collection(RelayCollection.Name)]
public sealed class RoutingTests(RelayFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private RelayServer Server => fixture.Server;

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension)]
    [InlineData(Endpoints.Mcp)]
    [InlineData(Endpoints.Tunnel)]
    public async Task Event_FromAnyRole_ReachesEveryOtherMemberButNotSender(string senderEndpoint)
    {
        var session = RelayFixture.NewSession();
        await using var extension = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "ext" });
        await using var mcp = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "mcp" });
        await using var tunnel = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { clientType = "tunnel" });
        await using var sender = await Server.ConnectInitializedAsync(senderEndpoint, session, new { clientType = "sender" });

        await sender.SendAsync(new { type = "console-error", id = "ev-1", data = new { message = "boom" } });

        foreach (var receiver in new[] { extension, mcp, tunnel })
        {
            var received = await receiver.ReceiveTypeAsync("console-error");
            Assert.Equal("ev-1", received.Id());
            Assert.Equal(sender.ConnectionId, received["metadata"]!["connectionId"]!.GetValue<string>());
        }

        Assert.DoesNotContain(await sender.DrainAsync(Quiet), f => f.Type() == "console-error");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ScreenshotRequest_OnlyToExtensionAndTunnelMembersWithScreenshotCapture()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "requester" });
        await using var extDefault = await Server.ConnectAsync(Endpoints.Extension, session);
        await using var extInitNoList = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "chrome-extension" });
        await using var extConsoleOnly = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { capabilities = new[] { "console-capture" } });
        await using var tunnelCapable = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { capabilities = new[] { "screenshot-capture" } });
        await using var tunnelBare = await Server.ConnectAsync(Endpoints.Tunnel, session);
        await using var tunnelConsole = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { capabilities = new[] { "console-capture" } });
        await using var mcpClaiming = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { capabilities = new[] { "screenshot-capture" } });

        await requester.SendAsync(new { type = "screenshot-request", id = "cmd-1", data = new { format = "png", quality = 90, fullPage = false, selector = (string?)null } });

        var correlationIds = new HashSet<string?>();
        foreach (var handler in new[] { extDefault, extInitNoList, tunnelCapable })
        {
            var command = await handler.ReceiveTypeAsync("screenshot-request");

            // Handlers see the session's correlation id, one per command, not the requester's own.
            correlationIds.Add(command.Id());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"format\":\"png\",\"quality\":90,\"fullPage\":false,\"selector\":null}"), command["data"]));
            Assert.Equal(requester.ConnectionId, command["metadata"]!["connectionId"]!.GetValue<string>());
            Assert.Null(command["seq"]);
        }

        Assert.False(string.IsNullOrEmpty(Assert.Single(correlationIds)));
        foreach (var other in new[] { extConsoleOnly, tunnelBare, tunnelConsole, mcpClaiming, requester })
        {
            Assert.DoesNotContain(await other.DrainAsync(TimeSpan.FromMilliseconds(150)), f => f.Type() == "screenshot-request");
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ScreenshotRequest_OnlyIncapableMembers_NoHandler()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var extension = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { capabilities = new[] { "console-capture", "network-capture" } });
        await using var tunnel = await Server.ConnectAsync(Endpoints.Tunnel, session);

        await requester.SendAsync(new { type = "screenshot-request", id = "cmd-none", data = new { } });

        EnvelopeValidationTests.AssertError(await requester.ReceiveTypeAsync("error"), "no-handler", "cmd-none");
        Assert.DoesNotContain(await extension.DrainAsync(Quiet), f => f.Type() == "screenshot-request");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ScreenshotResponse_GoesOnlyToRequester_LaterOnesDropped()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "requester" });
        await using var bystander = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "bystander" });
        await using var first = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "ext-1" });
        await using var second = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { capabilities = new[] { "screenshot-capture" } });

        await requester.SendAsync(new { type = "screenshot-request", id = "shot-1", data = new { format = "png" } });
        var asked = (await first.ReceiveTypeAsync("screenshot-request")).Id();
        Assert.Equal(asked, (await second.ReceiveTypeAsync("screenshot-request")).Id());
        await first.SendAsync(new { type = "screenshot-response", id = asked, data = new { success = true, base64 = "data:image/png;base64,iVBOR", size = 5 } });
        await second.SendAsync(new { type = "screenshot-response", id = asked, data = new { success = true, base64 = "late" } });

        var response = await requester.ReceiveTypeAsync("screenshot-response");
        Assert.Equal("shot-1", response.Id());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"success\":true,\"base64\":\"data:image/png;base64,iVBOR\",\"size\":5}"), response["data"]));
        Assert.Equal(first.ConnectionId, response["metadata"]!["connectionId"]!.GetValue<string>());
        Assert.DoesNotContain(await requester.DrainAsync(Quiet), f => f.Type() == "screenshot-response");
        foreach (var other in new[] { bystander, first, second })
        {
            Assert.DoesNotContain(await other.DrainAsync(TimeSpan.FromMilliseconds(100)), f => f.Type() == "screenshot-response");
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ScreenshotResponse_MatchingNoRequest_IsDropped()
    {
        var session = RelayFixture.NewSession();
        await using var mcp = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var tunnel = await Server.ConnectAsync(Endpoints.Tunnel, session);
        await using var extension = await Server.ConnectAsync(Endpoints.Extension, session);

        await extension.SendAsync(new { type = "screenshot-response", id = "never-asked", data = new { success = true } });

        Assert.DoesNotContain(await mcp.DrainAsync(Quiet), f => f.Type() == "screenshot-response");
        Assert.DoesNotContain(await tunnel.DrainAsync(TimeSpan.FromMilliseconds(100)), f => f.Type() == "screenshot-response");
        Assert.Equal("alive", (await extension.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ClearLogs_ToMembersWithAnyCaptureCapability_AckedAndHistoryEmptied()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "requester" });
        await using var extension = await Server.ConnectAsync(Endpoints.Extension, session);
        await using var extConsole = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { capabilities = new[] { "console-capture" } });
        await using var tunnelNetwork = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { capabilities = new[] { "network-capture" } });
        await using var tunnelBare = await Server.ConnectAsync(Endpoints.Tunnel, session);
        await using var mcpClaiming = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { capabilities = new[] { "console-capture" } });
        for (var i = 0; i < 3; i++)
        {
            await extension.SendAsync(new { type = "console-log", id = $"before-{i}", data = new { i } });
        }

        await requester.ReceiveWhereAsync(f => f.Id() == "before-2");
        Assert.Equal(3, (await HistoryAsync(requester))["events"]!.AsArray().Count);
        await requester.SendAsync(new { type = "clear-logs", id = "clear-1" });

        var ack = await requester.ReceiveTypeAsync("clear-logs-ack");
        Assert.Equal("clear-1", ack.Id());
        foreach (var handler in new[] { extension, extConsole, tunnelNetwork })
        {
            Assert.Equal("clear-1", (await handler.ReceiveTypeAsync("clear-logs")).Id());
        }

        foreach (var other in new[] { tunnelBare, mcpClaiming })
        {
            Assert.DoesNotContain(await other.DrainAsync(TimeSpan.FromMilliseconds(150)), f => f.Type() == "clear-logs");
        }

        var afterClear = await HistoryAsync(requester);
        Assert.Empty(afterClear["events"]!.AsArray());
        Assert.Equal(3, afterClear["lastSeq"]!.GetValue<long>());
        Assert.Empty((await HttpEventsAsync(session))["events"]!.AsArray());
        await extension.SendAsync(new { type = "console-log", id = "after", data = new { } });
        await requester.ReceiveWhereAsync(f => f.Id() == "after");
        var later = (await HistoryAsync(requester))["events"]!.AsArray();
        var only = Assert.Single(later)!;
        Assert.Equal("after", only["id"]!.GetValue<string>());
        Assert.Equal(4, only["seq"]!.GetValue<long>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ClearLogs_NoCaptureMember_StillAckedAndHistoryEmptied()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var other = await Server.ConnectAsync(Endpoints.Mcp, session);
        await other.SendAsync(new { type = "console-log", id = "x", data = new { } });
        await requester.ReceiveWhereAsync(f => f.Id() == "x");
        Assert.Single((await HistoryAsync(requester))["events"]!.AsArray());

        await requester.SendAsync(new { type = "clear-logs", id = "clear-2" });

        Assert.Equal("clear-2", (await requester.ReceiveTypeAsync("clear-logs-ack")).Id());
        Assert.Empty((await HistoryAsync(requester))["events"]!.AsArray());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Heartbeat_FromClient_AnsweredAliveWithUptimeAndRosterSize()
    {
        var session = RelayFixture.NewSession();
        await using var a = await Server.ConnectAsync(Endpoints.Extension, session);
        await using var b = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var c = await Server.ConnectAsync(Endpoints.Tunnel, session);

        await a.SendAsync(new { type = "heartbeat", id = "hb-1", data = new { status = "alive" } });
        var reply = await a.ReceiveTypeAsync("heartbeat");

        Assert.Equal("hb-1", reply.Id());
        Assert.Equal("alive", reply.DataString("status"));
        Assert.True(reply["data"]!["uptime"]!.GetValue<long>() >= 0);
        Assert.Equal(3, reply["data"]!["connections"]!.GetValue<int>());
        Assert.DoesNotContain(await b.DrainAsync(Quiet), f => f.Type() == "heartbeat");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ControlMessages_FromMember_NeverForwarded()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var tunnel = await Server.ConnectAsync(Endpoints.Tunnel, session);
        var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendAsync(new { type = "connection-init", id = "c-init", data = new { clientType = "x", capabilities = new[] { "screenshot-capture" } } });
        await sender.SendAsync(new { type = "heartbeat", id = "c-hb", data = new { status = "alive" } });
        await sender.SendAsync(new { type = "history-request", id = "c-hist", data = new { types = new[] { "console-log" }, afterSeq = 0, limit = 10 } });
        await sender.SendAsync(new { type = "auth-refresh", id = "c-auth", data = new { token = RelayServer.Token(session) } });
        var answers = new List<JsonObject>();
        foreach (var type in new[] { "connection-ack", "heartbeat", "history-response", "auth-refresh-ack" })
        {
            answers.Add(await sender.ReceiveTypeAsync(type));
        }

        await sender.SendAsync(new { type = "connection-close", id = "c-close", data = new { code = 1000 } });
        await sender.WaitForCloseAsync();
        await sender.DisposeAsync();

        string[] control = ["connection-init", "heartbeat", "history-request", "auth-refresh", "connection-close"];
        foreach (var member in new[] { receiver, tunnel })
        {
            await member.ReceiveTypeAsync("member-left");
            var seen = await member.DrainAsync(TimeSpan.FromMilliseconds(200));
            Assert.DoesNotContain(seen, f => control.Contains(f.Type()) || f.Id() is "c-init" or "c-hb" or "c-hist" or "c-auth" or "c-close");
        }

        Assert.Equal(["c-hb", "c-hist", "c-auth"], answers.Skip(1).Select(a => a.Id()));
    }

    private static async Task<JsonObject> HistoryAsync(TestClient client)
    {
        var id = "h-" + Guid.NewGuid().ToString("N")[..6];
        await client.SendAsync(new { type = "history-request", id, data = new { afterSeq = 0, limit = 100 } });
        var response = await client.ReceiveWhereAsync(f => f.Type() == "history-response" && f.Id() == id);
        return response["data"]!.AsObject();
    }

    private async Task<JsonObject> HttpEventsAsync(string session)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayServer.Token(session));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
