using System.Text.Json;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>Every tool of <c>/mcp</c> against a session fed by a scripted extension, through the SDK's client.</summary>
[Collection(McpRelayCollection.Name)]
public sealed class McpToolsTests(McpRelayFixture fixture)
{
    private static readonly string[] ToolNames =
    [
        "getConsoleLogs", "getConsoleErrors", "getNetworkLogs", "getNetworkErrors", "getSelectedElement",
        "getPageInfo", "getConnectionStatus", "takeScreenshot", "wipeLogs",
    ];

    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ToolsList_Always_OffersTheBrowserToolsNamesWithSchemas()
    {
        await using var client = await McpClients.ConnectAsync(Server, McpRelayFixture.NewSession());

        var tools = await client.ListToolsAsync();

        Assert.Equal(ToolNames.Order(StringComparer.Ordinal), tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t => Assert.True(t.Description.Length > 40, $"{t.Name} needs a description a model can choose by"));
        Assert.Equal(["afterSeq", "keywords", "level", "limit"], Properties(tools.Single(t => t.Name == "getConsoleLogs").JsonSchema));
        Assert.Equal(["afterSeq", "keywords", "limit", "method", "status", "url"], Properties(tools.Single(t => t.Name == "getNetworkLogs").JsonSchema));
        Assert.True(tools.Single(t => t.Name == "getNetworkErrors").ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.True(tools.Single(t => t.Name == "wipeLogs").ProtocolTool.Annotations!.DestructiveHint);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetConsoleLogs_SessionFedByExtension_ReturnsEntriesWithSeqPageAndData()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        var first = await extension.PublishAsync("console-log", new { level = "info", message = "App started", source = "app.js:1" });
        await extension.PublishAsync("console-log", new { level = "warn", message = "Slow render of cart" });
        var last = await extension.PublishAsync("console-error", new { message = "Uncaught TypeError: x is undefined", stack = "at cart.js:9" });
        await using var client = await McpClients.ConnectAsync(Server, session);

        var all = (await client.CallAsync("getConsoleLogs")).Structured();
        var warnings = (await client.CallAsync("getConsoleLogs", new { level = "warn" })).Structured();
        var keyword = (await client.CallAsync("getConsoleLogs", new { keywords = "typeerror UNDEFINED" })).Structured();

        Assert.Equal(session, all["sessionId"]!.GetValue<string>());
        Assert.Equal([first, first + 1, last], all.Events().Select(e => e["seq"]!.GetValue<long>()));
        var started = all.Events()[0];
        Assert.Equal("console-log", started["type"]!.GetValue<string>());
        Assert.Equal("App started", started["data"]!["message"]!.GetValue<string>());
        Assert.Equal(ScriptedExtension.TabId, started["tabId"]!.GetValue<string>());
        Assert.Equal("https://shop.example/cart", started["url"]!.GetValue<string>());
        Assert.Equal(last, all["lastSeq"]!.GetValue<long>());
        Assert.False(all["hasMore"]!.GetValue<bool>());
        Assert.Equal("Slow render of cart", Assert.Single(warnings.Events())["data"]!["message"]!.GetValue<string>());
        Assert.Equal(last, Assert.Single(keyword.Events())["seq"]!.GetValue<long>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetConsoleErrors_MixedConsole_ReturnsErrorsOnly()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("console-log", new { level = "info", message = "fine" });
        var loggedError = await extension.PublishAsync("console-log", new { level = "error", message = "console.error called" });
        var thrown = await extension.PublishAsync("console-error", new { message = "Uncaught RangeError", stack = "at a.js:1" });
        await extension.PublishAsync("network-request", new { url = "https://shop.example/api", status = 500 });
        await using var client = await McpClients.ConnectAsync(Server, session);

        var errors = (await client.CallAsync("getConsoleErrors")).Structured();

        Assert.Equal([loggedError, thrown], errors.Events().Select(e => e["seq"]!.GetValue<long>()));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetNetworkLogs_Filters_SelectByUrlStatusAndMethod()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        var users = await extension.PublishAsync("network-request", new { url = "https://shop.example/api/users", method = "GET", status = 200, duration = 12 });
        var missing = await extension.PublishAsync("network-request", new { url = "https://shop.example/api/missing", method = "GET", status = 404 });
        var orders = await extension.PublishAsync("network-request", new { url = "https://shop.example/api/orders", method = "POST", status = 503 });
        var failed = await extension.PublishAsync("network-error", new { url = "https://cdn.example/lib.js", method = "GET", error = "net::ERR_NAME_NOT_RESOLVED" });
        await extension.PublishAsync("console-log", new { level = "info", message = "https://shop.example/api/users" });
        await using var client = await McpClients.ConnectAsync(Server, session);

        Assert.Equal([users, missing, orders, failed], Seqs(await client.CallAsync("getNetworkLogs")));
        Assert.Equal([users], Seqs(await client.CallAsync("getNetworkLogs", new { url = "/API/users" })));
        Assert.Equal([missing], Seqs(await client.CallAsync("getNetworkLogs", new { status = "4xx" })));
        Assert.Equal([missing, orders], Seqs(await client.CallAsync("getNetworkLogs", new { status = "400-599" })));
        Assert.Equal([users], Seqs(await client.CallAsync("getNetworkLogs", new { status = "200" })));
        Assert.Equal([orders], Seqs(await client.CallAsync("getNetworkLogs", new { method = "post" })));
        Assert.Equal([failed], Seqs(await client.CallAsync("getNetworkLogs", new { keywords = "ERR_NAME_NOT_RESOLVED" })));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetNetworkErrors_MixedRequests_ReturnsFailuresOnly()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("network-request", new { url = "https://shop.example/ok", status = 200 });
        var missing = await extension.PublishAsync("network-request", new { url = "https://shop.example/missing", status = 404 });
        await extension.PublishAsync("network-request", new { url = "https://shop.example/moved", status = 304 });
        var failed = await extension.PublishAsync("network-error", new { url = "https://cdn.example/lib.js", error = "CORS" });
        await using var client = await McpClients.ConnectAsync(Server, session);

        Assert.Equal([missing, failed], Seqs(await client.CallAsync("getNetworkErrors")));
        Assert.Equal([failed], Seqs(await client.CallAsync("getNetworkErrors", new { url = "cdn.example" })));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetSelectedElement_TwoSelections_ReturnsTheLatestWithLongHtmlCut()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("element-selected", new { element = new { tagName = "SPAN", id = "old" } });
        var html = new string('x', 3000);
        var latest = await extension.PublishAsync("element-selected", new
        {
            element = new { tagName = "DIV", id = "main-content", cssSelector = "#main-content", innerHTML = html },
        });
        await using var client = await McpClients.ConnectAsync(Server, session);

        var selected = (await client.CallAsync("getSelectedElement")).Structured();

        Assert.Equal(latest, selected["seq"]!.GetValue<long>());
        var element = selected["data"]!["element"]!;
        Assert.Equal("main-content", element["id"]!.GetValue<string>());
        Assert.Equal("#main-content", element["cssSelector"]!.GetValue<string>());
        Assert.Equal(new string('x', 500) + "… [truncated: 3000 chars]", element["innerHTML"]!.GetValue<string>());
        Assert.True(selected["truncated"]!.GetValue<bool>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetPageInfo_TwoNavigations_ReturnsTheLatestPage()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("page-navigated", new { url = "https://shop.example/", title = "Shop" }, "https://shop.example/");
        await extension.PublishAsync("console-log", new { message = "between" });
        await extension.PublishAsync("page-navigated", new { url = "https://shop.example/cart", title = "Your cart" });
        await using var client = await McpClients.ConnectAsync(Server, session);

        var page = (await client.CallAsync("getPageInfo")).Structured();

        Assert.Equal("https://shop.example/cart", page["data"]!["url"]!.GetValue<string>());
        Assert.Equal("Your cart", page["data"]!["title"]!.GetValue<string>());
        Assert.Equal(ScriptedExtension.TabId, page["tabId"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetConnectionStatus_ExtensionComesAndGoes_ReportsBrowserAndTab()
    {
        var session = McpRelayFixture.NewSession();
        await using var client = await McpClients.ConnectAsync(Server, session);
        var extension = await ScriptedExtension.ConnectAsync(Server, session);

        var connected = (await client.CallAsync("getConnectionStatus")).Structured();
        await extension.DisposeAsync();
        var gone = await PollAsync(client, s => !s["browserConnected"]!.GetValue<bool>());

        Assert.True(connected["browserConnected"]!.GetValue<bool>());
        Assert.True(connected["screenshotAvailable"]!.GetValue<bool>());
        var member = Assert.Single(connected["members"]!.AsArray())!;
        Assert.Equal("extension", member["role"]!.GetValue<string>());
        Assert.Equal(ScriptedExtension.TabId, member["tabId"]!.GetValue<string>());
        Assert.Contains("screenshot-capture", member["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Empty(gone["members"]!.AsArray());
        Assert.Contains($"No browser is connected to session '{session}'", gone["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task WipeLogs_AfterEvents_EmptiesHistoryAndTellsTheBrowser()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("console-log", new { message = "before" });
        await using var client = await McpClients.ConnectAsync(Server, session);

        var wiped = (await client.CallAsync("wipeLogs")).Structured();
        var told = await extension.Socket.ReceiveTypeAsync("clear-logs");
        var after = (await client.CallAsync("getConsoleLogs")).Structured();
        var later = await extension.PublishAsync("console-log", new { message = "after" });
        var next = (await client.CallAsync("getConsoleLogs")).Structured();

        Assert.True(wiped["cleared"]!.GetValue<bool>());
        Assert.Equal("clear-logs", told.Type());
        Assert.Empty(after.Events());
        Assert.Equal([later], next.Events().Select(e => e["seq"]!.GetValue<long>()));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetConsoleLogs_LongMessage_IsCutAndMarked()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("console-log", new { message = new string('m', 10_000), args = Enumerable.Range(0, 80).ToArray() });
        await using var client = await McpClients.ConnectAsync(Server, session);

        var entry = Assert.Single((await client.CallAsync("getConsoleLogs")).Structured().Events());

        Assert.True(entry["truncated"]!.GetValue<bool>());
        Assert.EndsWith("… [truncated: 10000 chars]", entry["data"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var args = entry["data"]!["args"]!.AsArray();
        Assert.Equal(51, args.Count);
        Assert.Equal("[truncated: 30 more items]", args[50]!.GetValue<string>());
    }

    private static List<long> Seqs(ModelContextProtocol.Protocol.CallToolResult result) =>
        [.. result.Structured().Events().Select(e => e["seq"]!.GetValue<long>())];

    private static string[] Properties(JsonElement schema) =>
        [.. schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    private static Task<JsonObject> PollAsync(ModelContextProtocol.Client.McpClient client, Func<JsonObject, bool> until) =>
        Eventually.LatestAsync(async () => (await client.CallAsync("getConnectionStatus")).Structured(), until, TimeSpan.FromSeconds(10));
}
