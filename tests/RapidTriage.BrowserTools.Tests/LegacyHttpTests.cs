using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>The HTTP API of browser-tools-server 1.2.0 as the relay serves it, driven by the scripted extension.</summary>
public sealed class LegacyHttpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task Identity_ExtensionProbe_AnswersSignatureAndListeningPort()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        var (status, identity, raw) = await extension.Http.GetAsync(".identity", cts.Token).ReadAsync();
        var port = await extension.Http.GetStringAsync(".port", cts.Token);

        Assert.True(status == 200, raw);
        Assert.Equal("mcp-browser-connector-24x7", identity!["signature"]!.GetValue<string>());
        Assert.Equal("browser-tools-server", identity["name"]!.GetValue<string>());
        Assert.Equal("1.2.0", identity["version"]!.GetValue<string>());
        Assert.Equal(relay.BaseUri.Port, identity["port"]!.GetValue<int>());
        Assert.Equal(relay.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), port);
        Assert.True(await extension.ValidateServerIdentityAsync());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ConsoleLogs_MoreThanLogLimit_NewestServedInOrder()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port) { LogLimit = 5 };

        for (var i = 0; i < 8; i++)
        {
            var (status, body, raw) = await extension.ConsoleLogAsync($"m{i}").ReadAsync();
            Assert.True(status == 200 && body!["status"]!.GetValue<string>() == "ok", raw);
        }

        await extension.ConsoleErrorAsync("boom").ReadAsync();
        var (_, logs, _) = await extension.Http.GetAsync("console-logs", cts.Token).ReadAsync();
        var (_, errors, _) = await extension.Http.GetAsync("console-errors", cts.Token).ReadAsync();

        Assert.Equal(["m3", "m4", "m5", "m6", "m7"], logs.Strings("message"));
        Assert.All(logs!.AsArray(), e => Assert.Equal("console-log", e!["type"]!.GetValue<string>()));
        Assert.All(logs.AsArray(), e => Assert.Equal("log", e!["level"]!.GetValue<string>()));
        Assert.Equal(["boom"], errors.Strings("message"));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ConsoleLogs_QueryLimitFitsTwo_NewestTwoKept()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        for (var i = 0; i < 5; i++)
        {
            await extension.ConsoleLogAsync($"entry-{i}").ReadAsync();
        }

        var (_, all, _) = await extension.Http.GetAsync("console-logs", cts.Token).ReadAsync();
        var entrySize = all!.AsArray()[0]!.ToJsonString().Length;
        extension.QueryLimit = (entrySize * 2) + (entrySize / 2);
        await extension.ConsoleLogAsync("entry-5").ReadAsync();
        var (_, cut, raw) = await extension.Http.GetAsync("console-logs", cts.Token).ReadAsync();

        Assert.Equal(5, all.AsArray().Count);
        Assert.True(cut!.AsArray().Count == 2, raw);
        Assert.Equal(["entry-4", "entry-5"], cut.Strings("message"));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ConsoleLogs_LogLimitAboveRelayCap_CappedByMaxLogLimit()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync(false, "Relay:BrowserTools:MaxLogLimit=3");
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port) { LogLimit = 50 };
        for (var i = 0; i < 5; i++)
        {
            await extension.ConsoleLogAsync($"n{i}").ReadAsync();
        }

        var (_, logs, _) = await extension.Http.GetAsync("console-logs", cts.Token).ReadAsync();

        Assert.Equal(["n2", "n3", "n4"], logs.Strings("message"));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ExtensionLog_CredentialHeaders_RedactedBeforeStoredOrServed()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        await extension.SendToBrowserConnectorAsync(new JsonObject
        {
            ["type"] = "network-request",
            ["url"] = "https://api.test/me",
            ["method"] = "GET",
            ["status"] = 200,
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer secret-token-123", ["Accept"] = "application/json" },
        }).ReadAsync();
        var (_, served, raw) = await extension.Http.GetAsync("network-success", cts.Token).ReadAsync();
        using var api = new HttpClient { BaseAddress = relay.BaseUri };
        api.DefaultRequestHeaders.Authorization = new("Bearer", RelayServer.Token("local"));
        var stored = await api.GetStringAsync("api/sessions/local/events?type=network-request", cts.Token);

        Assert.Equal("[REDACTED]", served![0]!["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal("application/json", served[0]!["headers"]!["Accept"]!.GetValue<string>());
        Assert.DoesNotContain("secret-token-123", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-123", stored, StringComparison.Ordinal);
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task NetworkRequests_ByStatus_SplitIntoErrorsAndSuccess_HeadersOnlyWhenShown()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        await extension.NetworkRequestAsync("https://api.test/ok", 200).ReadAsync();
        await extension.NetworkRequestAsync("https://api.test/missing", 404).ReadAsync();
        await extension.NetworkRequestAsync("https://api.test/created", 201, "POST").ReadAsync();
        await extension.NetworkRequestAsync("https://api.test/broken", 500).ReadAsync();

        var (_, errors, _) = await extension.Http.GetAsync("network-errors", cts.Token).ReadAsync();
        var (_, success, _) = await extension.Http.GetAsync("network-success", cts.Token).ReadAsync();
        var (_, all, _) = await extension.Http.GetAsync("all-xhr", cts.Token).ReadAsync();

        Assert.Equal(["https://api.test/missing", "https://api.test/broken"], errors.Strings("url"));
        Assert.Equal(["https://api.test/ok", "https://api.test/created"], success.Strings("url"));
        Assert.Equal(["https://api.test/ok", "https://api.test/missing", "https://api.test/created", "https://api.test/broken"], all.Strings("url"));
        Assert.All(all!.AsArray(), e => Assert.Null(e!["requestHeaders"]));
        Assert.All(all.AsArray(), e => Assert.Equal("{}", e!["responseBody"]!.GetValue<string>()));

        // The panel's "show request headers" arrives with the next log and applies to what is served from then on.
        extension.ShowRequestHeaders = true;
        await extension.ConsoleLogAsync("settings changed").ReadAsync();
        var (_, shown, _) = await extension.Http.GetAsync("network-success", cts.Token).ReadAsync();
        Assert.All(shown!.AsArray(), e => Assert.Equal("Accept", e!["requestHeaders"]![0]!["name"]!.GetValue<string>()));
        Assert.All(shown.AsArray(), e => Assert.Null(e!["responseHeaders"]));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task SelectedElement_PostedByLogAndDirectly_NewestReadBack()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        var (_, none, _) = await extension.Http.GetAsync("selected-element", cts.Token).ReadAsync();
        await extension.SelectElementAsync("save-button").ReadAsync();
        var (_, fromLog, _) = await extension.Http.GetAsync("selected-element", cts.Token).ReadAsync();
        var (status, posted, raw) = await extension.Http.PostAsJsonAsync("selected-element", new { data = new { tagName = "A", id = "direct" } }, cts.Token).ReadAsync();
        var (_, direct, _) = await extension.Http.GetAsync("selected-element", cts.Token).ReadAsync();

        Assert.Equal("No element selected", none!["message"]!.GetValue<string>());
        Assert.Equal("save-button", fromLog!["id"]!.GetValue<string>());
        Assert.Equal("BUTTON", fromLog["tagName"]!.GetValue<string>());
        Assert.Equal(80, fromLog["dimensions"]!["width"]!.GetValue<int>());
        Assert.True(status == 200 && posted!["status"]!.GetValue<string>() == "ok", raw);
        Assert.Equal("direct", direct!["id"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task CurrentUrl_PostedTwiceThenWiped_NewestKeptAcrossWipe()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        var (_, empty, _) = await extension.Http.GetAsync("current-url", cts.Token).ReadAsync();
        var (_, first, _) = await extension.UpdateServerWithUrlAsync("https://app.test/a").ReadAsync();
        var (_, again, _) = await extension.UpdateServerWithUrlAsync("https://app.test/a", "page_complete").ReadAsync();
        await extension.ConsoleLogAsync("before wipe").ReadAsync();
        var (wipeStatus, wiped, _) = await extension.WipeLogsAsync().ReadAsync();
        var (_, afterWipe, _) = await extension.Http.GetAsync("current-url", cts.Token).ReadAsync();
        var (_, logs, _) = await extension.Http.GetAsync("console-logs", cts.Token).ReadAsync();
        var (badStatus, bad, _) = await extension.Http.PostAsJsonAsync("current-url", new { tabId = 1 }, cts.Token).ReadAsync();

        Assert.Equal("", empty!["url"]!.GetValue<string>());
        Assert.Equal("ok", first!["status"]!.GetValue<string>());
        Assert.Equal("https://app.test/a", first["url"]!.GetValue<string>());
        Assert.Equal(extension.TabId, first["tabId"]!.GetValue<int>());
        Assert.Equal("", first["previousUrl"]!.GetValue<string>());
        Assert.True(first["updated"]!.GetValue<bool>());
        Assert.Equal("https://app.test/a", again!["previousUrl"]!.GetValue<string>());
        Assert.False(again["updated"]!.GetValue<bool>());
        Assert.Equal(200, wipeStatus);
        Assert.Equal("All logs cleared successfully", wiped!["message"]!.GetValue<string>());
        Assert.Equal("https://app.test/a", afterWipe!["url"]!.GetValue<string>());
        Assert.Empty(logs!.AsArray());
        Assert.Equal(400, badStatus);
        Assert.Equal("No URL provided", bad!["message"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task WipeLogs_AfterCapturesOfEveryKind_EveryListEmpty()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        await extension.ConsoleLogAsync("a").ReadAsync();
        await extension.ConsoleErrorAsync("b").ReadAsync();
        await extension.NetworkRequestAsync("https://x.test/1", 200).ReadAsync();
        await extension.NetworkRequestAsync("https://x.test/2", 503).ReadAsync();
        await extension.SelectElementAsync("el").ReadAsync();

        await extension.WipeLogsAsync().ReadAsync();

        foreach (var path in new[] { "console-logs", "console-errors", "network-errors", "network-success", "all-xhr" })
        {
            var (status, list, raw) = await extension.Http.GetAsync(path, cts.Token).ReadAsync();
            Assert.True(status == 200 && list!.AsArray().Count == 0, $"{path}: {raw}");
        }

        var (_, element, _) = await extension.Http.GetAsync("selected-element", cts.Token).ReadAsync();
        Assert.Equal("No element selected", element!["message"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task CaptureScreenshot_NoExtensionConnected_Answers503()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        var (status, body, raw) = await extension.Http.PostAsync("capture-screenshot", null, cts.Token).ReadAsync();

        Assert.True(status == 503, raw);
        Assert.Equal("Chrome extension not connected", body!["error"]!.GetValue<string>());
        Assert.Empty(Directory.GetFiles(shots));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task Screenshot_PostedWithItsOwnPath_SavedOnlyInConfiguredFolderAndAddedToSession()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        var elsewhere = Path.Combine(Path.GetTempPath(), "rt-bt-elsewhere-" + Guid.NewGuid().ToString("N"));

        var (status, body, raw) = await extension.PostScreenshotAsync(elsewhere).ReadAsync();
        using var api = new HttpClient { BaseAddress = relay.BaseUri };
        api.DefaultRequestHeaders.Authorization = new("Bearer", RelayServer.Token("local"));
        var events = JsonNode.Parse(await api.GetStringAsync("api/sessions/local/events?type=screenshot-captured", cts.Token))!;

        Assert.True(status == 200, raw);
        var path = body!["path"]!.GetValue<string>();
        Assert.Equal(Path.Combine(shots, body["filename"]!.GetValue<string>()), path);
        Assert.Matches(@"^screenshot-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(-\d+)?\.png$", body["filename"]!.GetValue<string>());
        Assert.Equal(Convert.FromBase64String(ScriptedExtension.PngDataUrl["data:image/png;base64,".Length..]), await File.ReadAllBytesAsync(path, cts.Token));
        Assert.False(Directory.Exists(elsewhere));
        var captured = Assert.Single(events["events"]!.AsArray());
        Assert.Equal(path, captured!["data"]!["path"]!.GetValue<string>());
        Assert.Equal(ScriptedExtension.PngDataUrl, captured["data"]!["base64"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task Audits_LighthouseEndpoints_Answer501WithReason()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        foreach (var path in new[] { "accessibility-audit", "performance-audit", "seo-audit", "best-practices-audit" })
        {
            var (status, body, raw) = await extension.Http.PostAsJsonAsync(path, new { category = path, source = "mcp_tool" }, cts.Token).ReadAsync();
            Assert.True(status == 501, $"{path}: {status} {raw}");
            Assert.Contains("does not drive a browser", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task ExtensionLog_BadInput_ClearErrors()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync(false, "Relay:BrowserTools:MaxBodyBytes=4096");
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);

        var (noData, noDataBody, _) = await extension.Http.PostAsJsonAsync("extension-log", new { settings = new { logLimit = 5 } }, cts.Token).ReadAsync();
        var (unknown, unknownBody, _) = await extension.Http.PostAsJsonAsync("extension-log", new { data = new { type = "clear-logs" } }, cts.Token).ReadAsync();
        var (notJson, notJsonBody, _) = await extension.Http.PostAsync("extension-log", new StringContent("{\"data\":{}}", Encoding.UTF8, "text/plain"), cts.Token).ReadAsync();
        var (broken, brokenBody, _) = await extension.Http.PostAsync("extension-log", new StringContent("{\"data\":", Encoding.UTF8, "application/json"), cts.Token).ReadAsync();
        var (tooLarge, tooLargeBody, _) = await extension.ConsoleLogAsync(new string('x', 5000)).ReadAsync();

        Assert.Equal(400, noData);
        Assert.Equal("No data provided", noDataBody!["message"]!.GetValue<string>());
        Assert.Equal(400, unknown);
        Assert.Contains("Unknown log type \"clear-logs\"", unknownBody!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(415, notJson);
        Assert.Contains("application/json", notJsonBody!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(400, broken);
        Assert.Contains("not valid JSON", brokenBody!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(413, tooLarge);
        Assert.Contains("4096", tooLargeBody!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, logs, _) = await extension.Http.GetAsync("console-logs", cts.Token).ReadAsync();
        Assert.Empty(logs!.AsArray());
        BrowserToolsSetup.DeleteFolder(shots);
    }
}
