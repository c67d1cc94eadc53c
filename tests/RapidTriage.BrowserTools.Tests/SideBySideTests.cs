using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>
/// The same scripted extension traffic against browser-tools-server 1.2.0 and against the relay gives the same
/// answers, except where the relay is deliberately safer (README "BrowserTools users"), which is asserted too.
/// </summary>
[Collection(ScannedPortsCollection.Name)]
public sealed class SideBySideTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(150);
    private static readonly string[] Lists = ["console-logs", "console-errors", "network-errors", "network-success", "all-xhr"];

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task SameTraffic_OriginalAndRelay_SameAnswers()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var original = await OriginalServer.StartAsync(cts.Token);
        var (relay, relayShots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        var originalShots = Directory.CreateTempSubdirectory("rt-bt-original-").FullName;

        var theirs = await RunAsync(original.Port, originalShots, toRelay: false, cts.Token);
        var ours = await RunAsync(relay.BaseUri.Port, originalShots, toRelay: true, cts.Token);

        Assert.Equal(theirs.Select(s => s.Label), ours.Select(s => s.Label));
        for (var i = 0; i < theirs.Count; i++)
        {
            var (label, theirStatus, theirBody) = theirs[i];
            var (_, ourStatus, ourBody) = ours[i];
            Assert.True(theirStatus == ourStatus, $"{label}: status {theirStatus} vs {ourStatus}\n{original.Output}");
            if (label.StartsWith("identity", StringComparison.Ordinal))
            {
                Assert.Equal(original.Port, theirBody!["port"]!.GetValue<int>());
                Assert.Equal(relay.BaseUri.Port, ourBody!["port"]!.GetValue<int>());
                theirBody["port"] = 0;
                ourBody["port"] = 0;
            }
            else if (label.StartsWith("port", StringComparison.Ordinal))
            {
                Assert.Equal(original.Port, theirBody!.GetValue<int>());
                Assert.Equal(relay.BaseUri.Port, ourBody!.GetValue<int>());
                continue;
            }
            else if (label.Contains("screenshot", StringComparison.Ordinal) && theirStatus == 200)
            {
                Assert.True(File.Exists(theirBody!["path"]!.GetValue<string>()), label);
                Assert.True(File.Exists(ourBody!["path"]!.GetValue<string>()), label);
                Assert.Equal(theirBody.AsObject().Select(p => p.Key).Order(), ourBody.AsObject().Select(p => p.Key).Order());
                continue;
            }
            else if (label is "network-errors" or "network-success" or "all-xhr")
            {
                // "Show headers" is off in the panel by default: both leave the header lists out.
                Assert.All(theirBody!.AsArray(), e => Assert.Null(e!["requestHeaders"]));
                Assert.NotEmpty(theirBody.AsArray());
            }

            Assert.True(JsonNode.DeepEquals(theirBody, ourBody), $"{label}:\n original: {theirBody?.ToJsonString()}\n relay:    {ourBody?.ToJsonString()}");
        }

        // Deliberate: a screenshot goes to the relay's configured folder, never to a path the client names.
        // Both runs named originalShots as the panel's screenshot path: only the original wrote there.
        Assert.Equal(2, Directory.GetFiles(relayShots, "screenshot-*.png").Length);
        Assert.Equal(2, Directory.GetFiles(originalShots, "screenshot-*.png").Length);
        BrowserToolsSetup.DeleteFolder(relayShots);
        BrowserToolsSetup.DeleteFolder(originalShots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task QueryLimit_TooSmallForAll_OriginalCutsNewestRelayKeepsThem()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var original = await OriginalServer.StartAsync(cts.Token);
        var (relay, relayShots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;

        var theirs = await FillAsync(original.Port);
        var ours = await FillAsync(relay.BaseUri.Port);

        // Both keep as many entries as fit in queryLimit characters; the original the oldest, the relay the newest.
        var fit = theirs.AsArray().Count;
        Assert.InRange(fit, 1, 4);
        Assert.Equal(Enumerable.Range(0, fit).Select(i => $"entry-{i}"), theirs.Strings("message"));
        Assert.Equal(Enumerable.Range(5 - fit, fit).Select(i => $"entry-{i}"), ours.Strings("message"));
        BrowserToolsSetup.DeleteFolder(relayShots);

        static async Task<JsonNode> FillAsync(int port)
        {
            await using var extension = new ScriptedExtension(port) { Clock = Counter() };
            await extension.ConsoleLogAsync("sizing").ReadAsync();
            await extension.WipeLogsAsync().ReadAsync();
            for (var i = 0; i < 5; i++)
            {
                extension.QueryLimit = 250;
                await extension.ConsoleLogAsync($"entry-{i}").ReadAsync();
            }

            var (_, list, _) = await extension.Http.GetAsync("console-logs").ReadAsync();
            return list!;
        }
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task WebPageOrigin_OriginalServesAnyPageRelayRefuses()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var original = await OriginalServer.StartAsync(cts.Token);
        var (relay, relayShots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;

        var (theirStatus, theirGrant) = await AsWebPageAsync(original.Port);
        var (ourStatus, ourGrant) = await AsWebPageAsync(relay.BaseUri.Port);

        Assert.Equal(HttpStatusCode.OK, theirStatus);
        Assert.Equal("*", theirGrant);
        Assert.Equal(HttpStatusCode.Forbidden, ourStatus);
        Assert.Null(ourGrant);
        BrowserToolsSetup.DeleteFolder(relayShots);

        static async Task<(HttpStatusCode, string?)> AsWebPageAsync(int port)
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://localhost:{port}/console-logs");
            request.Headers.Add("Origin", "https://evil.example");
            using var response = await http.SendAsync(request);
            return (response.StatusCode, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var grant) ? grant.Single() : null);
        }
    }

    /// <summary>A <c>Date.now()</c> that gives both servers' extensions the same timestamps.</summary>
    private static Func<long> Counter()
    {
        var now = 1_767_225_600_000L;
        return () => Interlocked.Increment(ref now);
    }

    /// <summary>One extension's whole session against one server: every answer, labelled, in order.</summary>
    private static async Task<List<(string Label, int Status, JsonNode? Body)>> RunAsync(int port, string panelScreenshotPath, bool toRelay, CancellationToken cancellationToken)
    {
        var steps = new List<(string, int, JsonNode?)>();
        await using var extension = new ScriptedExtension(port) { Clock = Counter(), ScreenshotPath = panelScreenshotPath };
        async Task Step(string label, Task<HttpResponseMessage> request)
        {
            var (status, body, _) = await request.ReadAsync();
            steps.Add((label, status, body));
        }

        await Step("identity", extension.Http.GetAsync(".identity", cancellationToken));
        await Step("port", extension.Http.GetAsync(".port", cancellationToken));
        await Step("current-url (none yet)", extension.Http.GetAsync("current-url", cancellationToken));
        await Step("selected-element (none yet)", extension.Http.GetAsync("selected-element", cancellationToken));
        await Step("capture-screenshot (no extension)", extension.Http.PostAsync("capture-screenshot", null, cancellationToken));
        await (toRelay ? extension.ConnectToRelayAsync(cancellationToken) : extension.ConnectSocketAsync(cancellationToken));

        await Step("log 1", extension.ConsoleLogAsync("app started"));
        await Step("log 2", extension.ConsoleLogAsync("{\"user\":\"ada\",\"cart\":[1,2,3]}", "info"));
        await Step("error 1", extension.ConsoleErrorAsync("Uncaught TypeError: price is undefined"));
        await Step("log 3", extension.ConsoleLogAsync("ünïcödé ✓ \"quoted\"", "warning"));
        await Step("error 2", extension.ConsoleErrorAsync("Failed to load resource: 404"));
        await Step("xhr 200", extension.NetworkRequestAsync("https://shop.test/api/cart", 200));
        await Step("xhr 404", extension.NetworkRequestAsync("https://shop.test/api/missing", 404));
        await Step("xhr 201", extension.NetworkRequestAsync("https://shop.test/api/order", 201, "POST", "{\"id\":7}"));
        await Step("xhr 500", extension.NetworkRequestAsync("https://shop.test/api/pay", 500, "POST", "{\"error\":\"declined\"}"));
        await Step("select", extension.SelectElementAsync("pay-button"));

        await extension.SendPageNavigatedAsync("https://shop.test/home");
        await Eventually.LatestAsync(
            async () => (await extension.Http.GetAsync("current-url", cancellationToken).ReadAsync()).Body?["url"]?.GetValue<string>(),
            url => url == "https://shop.test/home", TimeSpan.FromSeconds(5), cancellationToken);

        await Step("current-url (after page-navigated frame)", extension.Http.GetAsync("current-url", cancellationToken));
        await Step("post current-url", extension.UpdateServerWithUrlAsync("https://shop.test/cart", "page_complete"));
        foreach (var list in Lists)
        {
            await Step(list, extension.Http.GetAsync(list, cancellationToken));
        }

        await Step("selected-element", extension.Http.GetAsync("selected-element", cancellationToken));
        await Step("current-url", extension.Http.GetAsync("current-url", cancellationToken));
        await Step("post selected-element", extension.Http.PostAsJsonAsync("selected-element", new { data = new { tagName = "INPUT", id = "email" } }, cancellationToken));
        await Step("selected-element (posted)", extension.Http.GetAsync("selected-element", cancellationToken));
        await Step("capture-screenshot", extension.Http.PostAsync("capture-screenshot", null, cancellationToken));
        await Step("screenshot (posted by the extension)", extension.PostScreenshotAsync(panelScreenshotPath));
        await Step("extension-log without data", extension.Http.PostAsJsonAsync("extension-log", new { settings = new { logLimit = 50 } }, cancellationToken));
        await Step("current-url without url", extension.Http.PostAsJsonAsync("current-url", new { tabId = 5 }, cancellationToken));
        await Step("wipelogs", extension.WipeLogsAsync());
        foreach (var list in Lists)
        {
            await Step(list + " (wiped)", extension.Http.GetAsync(list, cancellationToken));
        }

        await Step("selected-element (wiped)", extension.Http.GetAsync("selected-element", cancellationToken));
        await Step("current-url (wiped)", extension.Http.GetAsync("current-url", cancellationToken));
        return steps;
    }
}
