using System.Text.Json;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 3: error codes for bad input, and what the server stamps on what it forwards.</summary>
[Collection(RelayCollection.Name)]
public sealed class EnvelopeValidationTests(RelayFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private RelayServer Server => fixture.Server;

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("not json at all", null)]
    [InlineData("", null)]
    [InlineData("{\"type\":\"console-log\",\"id\":\"cut", null)]
    [InlineData("[{\"type\":\"console-log\"}]", null)]
    [InlineData("\"console-log\"", null)]
    [InlineData("42", null)]
    [InlineData("null", null)]
    [InlineData("{}", null)]
    [InlineData("{\"id\":\"bad-1\"}", "bad-1")]
    [InlineData("{\"id\":\"bad-2\",\"type\":42}", "bad-2")]
    [InlineData("{\"id\":\"bad-3\",\"type\":null}", "bad-3")]
    [InlineData("{\"id\":\"bad-4\",\"type\":[\"console-log\"]}", "bad-4")]
    [InlineData("{\"id\":\"bad-5\",\"type\":{\"name\":\"console-log\"}}", "bad-5")]
    [InlineData("{\"type\":\"\\ud800\"}", null)]
    [InlineData("{\"id\":\"\\udc00x\",\"type\":\"console-log\"}", null)]
    [InlineData("{\"id\":\"bad-6\",\"type\":\"\\ud800console-log\"}", "bad-6")]
    [InlineData("{\"id\":\"bad-7\",\"type\":\"network-request\",\"data\":{\"headers\":{\"request\":{\"X-\\ud800\":\"v\"}}}}", "bad-7")]
    public async Task BadFrame_NotAnObjectWithStringType_InvalidMessageAndStaysOpen(string frame, string? refId)
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);
        await receiver.ReceiveTypeAsync("member-joined");

        await sender.SendTextAsync(frame);

        AssertError(await sender.ReceiveTypeAsync("error"), "invalid-message", refId);
        Assert.Equal("alive", (await sender.HeartbeatAsync()).DataString("status"));
        Assert.Empty(await receiver.DrainAsync(Quiet));
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("connection-ack")]
    [InlineData("error")]
    [InlineData("member-joined")]
    [InlineData("member-updated")]
    [InlineData("member-left")]
    [InlineData("auth-refresh-ack")]
    [InlineData("clear-logs-ack")]
    [InlineData("history-response")]
    public async Task Frame_WithServerOnlyType_InvalidMessageAndNotRelayed(string type)
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "relay" });
        await receiver.ReceiveTypeAsync("member-joined");

        await sender.SendTextAsync($"{{\"type\":\"console-log\",\"type\":\"{type}\",\"id\":\"forged\",\"data\":{{\"connectionId\":\"{receiver.ConnectionId}\"}}}}");

        AssertError(await sender.ReceiveTypeAsync("error"), "invalid-message", "forged");
        Assert.DoesNotContain(await receiver.DrainAsync(Quiet), f => f.Id() == "forged" || f.DataString("connectionId") == receiver.ConnectionId);
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("\"1704067200000\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{\"ms\":1}")]
    [InlineData("[1704067200000]")]
    public async Task Timestamp_NotANumber_InvalidTimestampAndStaysOpen(string timestamp)
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);
        await receiver.ReceiveTypeAsync("member-joined");

        await sender.SendTextAsync($"{{\"type\":\"console-log\",\"id\":\"ts-1\",\"timestamp\":{timestamp},\"data\":{{}}}}");

        AssertError(await sender.ReceiveTypeAsync("error"), "invalid-timestamp", "ts-1");
        Assert.Equal("alive", (await sender.HeartbeatAsync()).DataString("status"));
        Assert.Empty(await receiver.DrainAsync(Quiet));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Timestamp_MoreThan60SecondsOld_MessageTooOldAndNotRelayed()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);
        await receiver.ReceiveTypeAsync("member-joined");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await sender.SendAsync(new { type = "console-log", id = "old", timestamp = now - 61_000, data = new { } });
        await sender.SendAsync(new { type = "console-log", id = "recent", timestamp = now - 5_000, data = new { } });

        AssertError(await sender.ReceiveTypeAsync("error"), "message-too-old", "old");
        var relayed = await receiver.ReceiveTypeAsync("console-log");
        Assert.Equal("recent", relayed.Id());
        Assert.Equal(now - 5_000, relayed["timestamp"]!.GetValue<long>());
        Assert.Empty(await receiver.DrainAsync(Quiet));
        Assert.Equal("alive", (await sender.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Command_NoCapableMember_NoHandlerAndStaysOpen()
    {
        var session = RelayFixture.NewSession();
        await using var other = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { capabilities = new[] { "screenshot-capture" } });
        await using var requester = await Server.ConnectAsync(Endpoints.Mcp, session);

        await requester.SendAsync(new { type = "screenshot-request", id = "shot-1", data = new { format = "png" } });

        AssertError(await requester.ReceiveTypeAsync("error"), "no-handler", "shot-1");
        Assert.Equal("alive", (await requester.HeartbeatAsync()).DataString("status"));
        Assert.DoesNotContain(await other.DrainAsync(Quiet), f => f.Type() == "screenshot-request");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Event_ClientMetadata_KeptButServerFieldsStamped()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "chrome-extension" });

        await sender.SendAsync(new
        {
            type = "console-log",
            id = "stamp-1",
            seq = 999,
            data = new { message = "hi" },
            metadata = new { sessionId = "spoofed", connectionId = "spoofed", source = "spoofed", tabId = "tab-456", url = "https://example.com", version = "1.0" },
        });

        var received = await receiver.ReceiveTypeAsync("console-log");
        var metadata = received["metadata"]!.AsObject();
        Assert.Equal(session, metadata["sessionId"]!.GetValue<string>());
        Assert.Equal(sender.ConnectionId, metadata["connectionId"]!.GetValue<string>());
        Assert.Equal("chrome-extension", metadata["source"]!.GetValue<string>());
        Assert.Equal("tab-456", metadata["tabId"]!.GetValue<string>());
        Assert.Equal("https://example.com", metadata["url"]!.GetValue<string>());
        Assert.Equal("1.0", metadata["version"]!.GetValue<string>());
        Assert.Equal(1, received["seq"]!.GetValue<long>());
        Assert.Single(JsonDocument.Parse(received.ToJsonString()).RootElement.EnumerateObject(), p => p.Name == "seq");
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(Endpoints.Extension, "extension")]
    [InlineData(Endpoints.Mcp, "mcp")]
    [InlineData(Endpoints.Tunnel, "tunnel")]
    public async Task Event_SenderWithoutClientType_SourceIsRole(string endpoint, string role)
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(endpoint, session);

        await sender.SendAsync(new { type = "page-navigated", id = "nav", data = new { url = "https://example.com/next" } });

        var received = await receiver.ReceiveTypeAsync("page-navigated");
        Assert.Equal(role, received["metadata"]!["source"]!.GetValue<string>());
        Assert.Equal(sender.ConnectionId, received["metadata"]!["connectionId"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Event_WithoutIdOrTimestamp_ServerFillsThem()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await sender.SendTextAsync("{\"type\":\"console-log\",\"data\":{\"message\":\"bare\"}}");
        await sender.SendTextAsync($"{{\"type\":\"console-log\",\"id\":\"mine\",\"timestamp\":{before - 1000}.5,\"data\":{{\"message\":\"dressed\"}}}}");

        var bare = await receiver.ReceiveTypeAsync("console-log");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.False(string.IsNullOrEmpty(bare.Id()));
        Assert.InRange(bare["timestamp"]!.GetValue<long>(), before, after);
        var dressed = await receiver.ReceiveWhereAsync(f => f.Type() == "console-log");
        Assert.Equal("mine", dressed.Id());
        Assert.Equal($"{before - 1000}.5", dressed["timestamp"]!.ToJsonString());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Event_DataAndExtraFields_ForwardedUnchanged()
    {
        const string data = """
            {"level":"info","message":"Ünïcødé ✓ \"quoted\" <tag> & \\ back\nline","args":["a",1,2.5,-0.0,1e-7,12345678901234567890,null,true,false,{"deep":{"deeper":[[],{}]}}],
             "source":"app.js:42:8","stack":null,"emoji":"🙂","empty":{},"list":[],"html":"<h1>Welcome</h1>","big":1.7976931348623157e308}
            """;
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendTextAsync($"{{\"type\":\"console-log\",\"id\":\"data-1\",\"data\":{data},\"custom\":{{\"k\":[1,\"two\"]}},\"version\":\"1.0\"}}");

        var received = await receiver.ReceiveTypeAsync("console-log");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(data), received["data"]), received["data"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"k\":[1,\"two\"]}"), received["custom"]));
        Assert.Equal("1.0", received["version"]!.GetValue<string>());
        var raw = received["data"]!["args"]!.AsArray();
        Assert.Equal("12345678901234567890", raw[5]!.ToJsonString());
        Assert.Equal("1e-7", raw[4]!.ToJsonString());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Seq_GrowsByOnePerAcceptedEvent_OnlyOnEvents()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Extension, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Mcp, session);
        await receiver.ReceiveTypeAsync("member-joined");

        await sender.SendAsync(new { type = "console-log", id = "e1", data = new { } });
        await sender.SendAsync(new { type = "console-log", id = "rejected", timestamp = "bad", data = new { } });
        await sender.SendAsync(new { type = "network-request", id = "e2", data = new { } });
        await sender.SendAsync(new { type = "screenshot-request", id = "cmd", data = new { } });
        await sender.SendAsync(new { type = "my-custom-event", id = "e3", data = new { } });

        // The command reaches its handler under the session's correlation id, not "cmd".
        var frames = (await receiver.DrainAsync(Quiet)).Where(f => !f.IsPresence()).ToList();
        Assert.Equal(["e1", "e2", "cmd", "e3"], frames.Select(f => f.Type() == "screenshot-request" ? "cmd" : f.Id()));
        Assert.Equal([1L, 2L, 3L], frames.Where(f => f.Type() != "screenshot-request").Select(f => f["seq"]!.GetValue<long>()));
        Assert.Null(frames.Single(f => f.Type() == "screenshot-request")["seq"]);
    }

    internal static void AssertError(JsonObject error, string code, string? refId)
    {
        Assert.Equal("error", error.Type());
        var data = error["data"]!.AsObject();
        Assert.Equal(code, data["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(data["message"]!.GetValue<string>()));
        Assert.True(data.ContainsKey("refId"), "refId must be present (null when unknown)");
        Assert.Equal(refId, data["refId"]?.GetValue<string>());
    }
}
