using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 2: member-joined / member-left and the roster, so clients see who is attached.</summary>
[Collection(RelayCollection.Name)]
public sealed class PresenceTests(RelayFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Join_IsAnnouncedToOthers_WithTheRosterEntry()
    {
        var session = RelayFixture.NewSession();
        await using var mcp = await Connect("/mcp-ws", session, new { clientType = "ai" });
        await using var extension = await Connect("/extension-ws", session, new { clientType = "chrome-extension", capabilities = new[] { "console-capture" } });

        var joined = await mcp.ReceiveTypeAsync("member-joined");
        Assert.Equal(extension.ConnectionId, joined["data"]!["connectionId"]!.GetValue<string>());
        Assert.Equal("extension", joined["data"]!["role"]!.GetValue<string>());
        Assert.Null(joined["seq"]);
        var updated = await mcp.ReceiveTypeAsync("member-updated");
        Assert.Equal("chrome-extension", updated["data"]!["clientType"]!.GetValue<string>());
        Assert.Equal(["console-capture"], updated["data"]!["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task CleanClose_IsAnnouncedAsMemberLeft_AndLeavesTheRoster()
    {
        var session = RelayFixture.NewSession();
        await using var mcp = await Connect("/mcp-ws", session, new { clientType = "ai" });
        var extension = await Connect("/extension-ws", session, new { clientType = "chrome-extension" });
        var id = extension.ConnectionId;
        Assert.Contains(id, await Roster(session));

        await extension.DisposeAsync();

        var left = await mcp.ReceiveTypeAsync("member-left");
        Assert.Equal(id, left["data"]!["connectionId"]!.GetValue<string>());
        Assert.DoesNotContain(id, await Roster(session));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task AbruptDisconnect_IsAnnouncedAsMemberLeft()
    {
        var session = RelayFixture.NewSession();
        await using var mcp = await Connect("/mcp-ws", session, new { clientType = "ai" });
        var extension = await Connect("/extension-ws", session, new { clientType = "chrome-extension" });
        var id = extension.ConnectionId;

        extension.Socket.Abort();

        var left = await mcp.ReceiveTypeAsync("member-left");
        Assert.Equal(id, left["data"]!["connectionId"]!.GetValue<string>());
        Assert.Equal([mcp.ConnectionId], await Roster(session));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Roster_TellsAnAiClientWhetherAnExtensionIsAttached()
    {
        var session = RelayFixture.NewSession();
        await using var mcp = await Connect("/mcp-ws", session, new { clientType = "ai" });
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", RelayServer.Token(session));

        var before = await http.GetFromJsonAsync<JsonObject>($"api/sessions/{session}");
        Assert.DoesNotContain(before!["members"]!.AsArray(), m => m!["role"]!.GetValue<string>() == "extension");

        await using var extension = await Connect("/extension-ws", session, new { clientType = "chrome-extension" });
        var after = await http.GetFromJsonAsync<JsonObject>($"api/sessions/{session}");
        var entry = after!["members"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "extension")!;
        Assert.Equal(extension.ConnectionId, entry["connectionId"]!.GetValue<string>());
        Assert.Equal("chrome-extension", entry["clientType"]!.GetValue<string>());
        Assert.NotNull(entry["gateway"]);
        Assert.True(entry["connectedAt"]!.GetValue<long>() > 0);
        Assert.True(entry["lastSeen"]!.GetValue<long>() >= entry["connectedAt"]!.GetValue<long>());
        Assert.Equal(4, entry["capabilities"]!.AsArray().Count);
    }

    private async Task<TestClient> Connect(string path, string session, object init) =>
        await TestClient.ConnectInitializedAsync(fixture.Server.WebSocketUri($"{path}?sessionId={session}"), init);

    private async Task<List<string>> Roster(string session)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", RelayServer.Token(session));
        var roster = await http.GetFromJsonAsync<JsonObject>($"api/sessions/{session}");
        return [.. roster!["members"]!.AsArray().Select(m => m!["connectionId"]!.GetValue<string>())];
    }
}
