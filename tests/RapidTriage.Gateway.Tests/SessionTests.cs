using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 2: acks, session selection, the roster and its announcements.</summary>
[Collection(RelayCollection.Name)]
public sealed class SessionTests(RelayFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private RelayServer Server => fixture.Server;

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension)]
    [InlineData(Endpoints.Mcp)]
    [InlineData(Endpoints.Tunnel)]
    public async Task Ack_OnOpen_CarriesContractFieldsUnasked(string endpoint)
    {
        var session = RelayFixture.NewSession();

        await using var first = await Server.ConnectAsync(endpoint, session);
        await using var second = await Server.ConnectAsync(endpoint, session);

        var ack = first.Ack;
        Assert.Equal("connection-ack", ack.Type());
        Assert.False(string.IsNullOrEmpty(ack.Id()));
        Assert.Equal(JsonValueKind.Number, ack["timestamp"]!.GetValueKind());
        var data = ack["data"]!.AsObject();
        Assert.Equal(session, data["sessionId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(data["connectionId"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(data["serverId"]!.GetValue<string>()));
        Assert.Equal(["rapidtriage-v1"], data["supportedProtocols"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(1048576, data["maxMessageSize"]!.GetValue<long>());
        Assert.Equal(30000, data["heartbeatInterval"]!.GetValue<long>());
        Assert.False(string.IsNullOrEmpty(data["epoch"]!.GetValue<string>()));
        Assert.NotEqual(first.ConnectionId, second.ConnectionId);
        Assert.Equal(data["epoch"]!.GetValue<string>(), second.Ack["data"]!["epoch"]!.GetValue<string>());
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension)]
    [InlineData(Endpoints.Mcp)]
    [InlineData(Endpoints.Tunnel)]
    public async Task ConnectionInit_AfterAck_AnswersSecondAckWithSameIds(string endpoint)
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(endpoint, session);

        await client.SendAsync(new
        {
            type = "connection-init",
            id = "init-1",
            data = new
            {
                clientType = "contract-test",
                version = "1.2.3",
                capabilities = new[] { "console-capture" },
                tabId = "tab-9",
                userAgent = "ContractTest/1.0",
            },
        });
        var second = await client.ReceiveTypeAsync("connection-ack");

        Assert.Equal(session, second["data"]!["sessionId"]!.GetValue<string>());
        Assert.Equal(client.ConnectionId, second["data"]!["connectionId"]!.GetValue<string>());
        Assert.Equal(client.Ack["data"]!["epoch"]!.GetValue<string>(), second["data"]!["epoch"]!.GetValue<string>());
        var roster = await GetRosterAsync(session);
        var entry = Assert.Single(roster["members"]!.AsArray())!;
        Assert.Equal(client.ConnectionId, entry["connectionId"]!.GetValue<string>());
        Assert.Equal("contract-test", entry["clientType"]!.GetValue<string>());
        Assert.Equal(["console-capture"], entry["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("tab-9", entry["tabId"]!.GetValue<string>());
        Assert.Equal("ContractTest/1.0", entry["userAgent"]!.GetValue<string>());
        Assert.Equal("1.2.3", entry["version"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task LocalEndpoints_WithoutSessionQuery_JoinDefaultSessionLocal()
    {
        await using var extension = await TestClient.ConnectAsync(Server.WebSocketUri("/extension-ws"));
        await using var mcp = await TestClient.ConnectAsync(Server.WebSocketUri("/mcp-ws"));

        Assert.Equal("local", extension.Ack["data"]!["sessionId"]!.GetValue<string>());
        Assert.Equal("local", mcp.Ack["data"]!["sessionId"]!.GetValue<string>());
        await extension.SendAsync(new { type = "console-log", id = "in-local", data = new { message = "default session" } });
        var received = await mcp.ReceiveTypeAsync("console-log");
        Assert.Equal("in-local", received.Id());
        Assert.Equal("local", received["metadata"]!["sessionId"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task SessionQuery_SelectsSession_OtherSessionsSeeNothing()
    {
        var session = RelayFixture.NewSession();
        var other = RelayFixture.NewSession();
        await using var outsider = await Server.ConnectAsync(Endpoints.Mcp, other);
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendAsync(new { type = "console-log", id = "scoped", data = new { message = "only here" } });

        Assert.Equal("scoped", (await receiver.ReceiveTypeAsync("console-log")).Id());
        Assert.Equal(other, outsider.Ack["data"]!["sessionId"]!.GetValue<string>());
        Assert.Empty(await outsider.DrainAsync(Quiet));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension, "extension")]
    [InlineData(Endpoints.Mcp, "mcp")]
    [InlineData(Endpoints.Tunnel, "tunnel")]
    public async Task Membership_JoinAndLeave_AnnouncedToOthersWithRosterEntry(string endpoint, string role)
    {
        var session = RelayFixture.NewSession();
        await using var watcher = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "watcher" });
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var joiner = await Server.ConnectAsync(endpoint, session);
        var joined = await watcher.ReceiveTypeAsync("member-joined");
        var joinerSawItself = await joiner.DrainAsync(Quiet);
        var joinerId = joiner.ConnectionId;
        await joiner.DisposeAsync();
        var left = await watcher.ReceiveTypeAsync("member-left");

        var entry = joined["data"]!.AsObject();
        Assert.Equal(joinerId, entry["connectionId"]!.GetValue<string>());
        Assert.Equal(role, entry["role"]!.GetValue<string>());
        Assert.True(entry.ContainsKey("clientType"));
        var capabilities = entry["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(role == "extension" ? ["console-capture", "network-capture", "screenshot-capture", "element-selection"] : [], capabilities);
        Assert.False(string.IsNullOrEmpty(entry["gateway"]!.GetValue<string>()));
        Assert.InRange(entry["connectedAt"]!.GetValue<long>(), before - 1000, before + 10_000);
        Assert.InRange(entry["lastSeen"]!.GetValue<long>(), before - 1000, before + 10_000);
        Assert.Null(joined["seq"]);
        Assert.DoesNotContain(joinerSawItself, f => f.IsPresence());
        Assert.Equal(joinerId, left["data"]!["connectionId"]!.GetValue<string>());
        Assert.Equal(role, left["data"]!["role"]!.GetValue<string>());
        Assert.Null(left["seq"]);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Membership_Announcements_NotKeptInHistory()
    {
        var session = RelayFixture.NewSession();
        await using var watcher = await Server.ConnectAsync(Endpoints.Mcp, session);
        await (await Server.ConnectAsync(Endpoints.Extension, session)).DisposeAsync();
        await watcher.ReceiveTypeAsync("member-left");

        await watcher.SendAsync(new { type = "history-request", id = "h1", data = new { } });
        var history = await watcher.ReceiveTypeAsync("history-response");

        Assert.Empty(history["data"]!["events"]!.AsArray());
        Assert.Equal(0, history["data"]!["lastSeq"]!.GetValue<long>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task RosterApi_WithToken_ReturnsEveryMember()
    {
        var session = RelayFixture.NewSession();
        await using var extension = await Server.ConnectInitializedAsync(Endpoints.Extension, session,
            new { clientType = "chrome-extension", capabilities = new[] { "console-capture", "screenshot-capture" }, tabId = "7" });
        await using var mcp = await Server.ConnectAsync(Endpoints.Mcp, session);

        var roster = await GetRosterAsync(session);

        var members = roster["members"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.Equal(2, members.Count);
        var ext = Assert.Single(members, m => m["connectionId"]!.GetValue<string>() == extension.ConnectionId);
        Assert.Equal("extension", ext["role"]!.GetValue<string>());
        Assert.Equal("chrome-extension", ext["clientType"]!.GetValue<string>());
        Assert.Equal(["console-capture", "screenshot-capture"], ext["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("7", ext["tabId"]!.GetValue<string>());
        var mcpEntry = Assert.Single(members, m => m["connectionId"]!.GetValue<string>() == mcp.ConnectionId);
        Assert.Equal("mcp", mcpEntry["role"]!.GetValue<string>());
        Assert.All(members, m =>
        {
            Assert.False(string.IsNullOrEmpty(m["gateway"]!.GetValue<string>()));
            Assert.True(m["connectedAt"]!.GetValue<long>() > 0);
            Assert.True(m["lastSeen"]!.GetValue<long>() > 0);
        });
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task RosterApi_WithoutOrWithWrongToken_Refuses()
    {
        var session = RelayFixture.NewSession();
        using var http = new HttpClient { BaseAddress = Server.BaseUri };

        using var none = await http.GetAsync($"/api/sessions/{session}");
        using var garbage = await SendAsync(http, session, "not-a-token");
        using var otherSession = await SendAsync(http, session, RelayServer.Token(RelayFixture.NewSession()));
        using var query = await http.GetAsync($"/api/sessions/{session}?access_token={RelayServer.Token(session)}");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherSession.StatusCode);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
    }

    private async Task<JsonObject> GetRosterAsync(string session)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUri };
        using var response = await SendAsync(http, session, RelayServer.Token(session));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string session, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
