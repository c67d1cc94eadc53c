using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>Paging by <c>afterSeq</c>/<c>limit</c>, and the tool errors a person can act on.</summary>
[Collection(McpRelayCollection.Name)]
public sealed class PagingAndErrorTests(McpRelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetConsoleLogs_PagedFromTheOldest_VisitsEveryEntryOnce()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        var seqs = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            seqs.Add(await extension.PublishAsync("console-log", new { message = $"line {i}" }));
        }

        await using var client = await McpClients.ConnectAsync(Server, session);
        var pages = new List<JsonObject>();
        long after = 0;
        do
        {
            pages.Add((await client.CallAsync("getConsoleLogs", new { afterSeq = after, limit = 3 })).Structured());
            after = pages[^1]["lastSeq"]!.GetValue<long>();
        }
        while (pages[^1]["hasMore"]!.GetValue<bool>() && pages.Count < 10);
        var caughtUp = (await client.CallAsync("getConsoleLogs", new { afterSeq = after, limit = 3 })).Structured();

        Assert.Equal([3, 3, 1], pages.Select(p => p["count"]!.GetValue<int>()));
        Assert.Equal(seqs, pages.SelectMany(p => p.Events()).Select(e => e["seq"]!.GetValue<long>()));
        Assert.Equal(seqs[^1], after);
        Assert.Empty(caughtUp.Events());
        Assert.False(caughtUp["hasMore"]!.GetValue<bool>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetConsoleLogs_NoAfterSeq_ReturnsTheNewestAndCountsTheOlder()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        var seqs = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            seqs.Add(await extension.PublishAsync("console-log", new { message = $"line {i}" }));
        }

        await using var client = await McpClients.ConnectAsync(Server, session);
        var newest = (await client.CallAsync("getConsoleLogs", new { limit = 2 })).Structured();
        var added = await extension.PublishAsync("console-log", new { message = "fresh" });
        var since = (await client.CallAsync("getConsoleLogs", new { afterSeq = newest["lastSeq"]!.GetValue<long>() })).Structured();

        Assert.Equal(seqs[^2..], newest.Events().Select(e => e["seq"]!.GetValue<long>()));
        Assert.Equal(4, newest["olderOmitted"]!.GetValue<int>());
        Assert.Contains("afterSeq=0", newest["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([added], since.Events().Select(e => e["seq"]!.GetValue<long>()));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task GetConsoleLogs_PagedWithAFilter_SkipsNonMatchingEntries()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        var wanted = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            var seq = await extension.PublishAsync("console-log", new { message = i % 2 == 0 ? $"checkout step {i}" : $"noise {i}" });
            if (i % 2 == 0)
            {
                wanted.Add(seq);
            }
        }

        await using var client = await McpClients.ConnectAsync(Server, session);
        var first = (await client.CallAsync("getConsoleLogs", new { keywords = "checkout", afterSeq = 0L, limit = 2 })).Structured();
        var second = (await client.CallAsync("getConsoleLogs", new { keywords = "checkout", afterSeq = first["lastSeq"]!.GetValue<long>(), limit = 5 })).Structured();

        Assert.Equal(wanted[..2], first.Events().Select(e => e["seq"]!.GetValue<long>()));
        Assert.True(first["hasMore"]!.GetValue<bool>());
        Assert.Equal(wanted[2..], second.Events().Select(e => e["seq"]!.GetValue<long>()));
        Assert.False(second["hasMore"]!.GetValue<bool>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task LogTools_SessionWithoutEvents_ToolErrorSaysSo()
    {
        var session = McpRelayFixture.NewSession();
        await using var client = await McpClients.ConnectAsync(Server, session);

        var logs = (await client.CallAsync("getConsoleLogs")).Error();
        var page = (await client.CallAsync("getPageInfo")).Error();
        var element = (await client.CallAsync("getSelectedElement")).Error();

        Assert.Contains($"Session '{session}' has no events yet", logs, StringComparison.Ordinal);
        Assert.Contains($"Session '{session}' has seen no navigation yet", page, StringComparison.Ordinal);
        Assert.Contains($"No element has been selected in session '{session}'", element, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("getNetworkLogs", "status", "teapot", "status \"teapot\" is not understood")]
    [InlineData("getConsoleLogs", "limit", 0, "limit must be between 1 and 500")]
    [InlineData("getConsoleErrors", "limit", 501, "limit must be between 1 and 500")]
    [InlineData("getNetworkErrors", "afterSeq", -1, "afterSeq must be 0 or more")]
    public async Task LogTools_BadArgument_ToolErrorExplainsIt(string tool, string name, object value, string expected)
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("network-request", new { url = "https://shop.example/", status = 200 });
        await using var client = await McpClients.ConnectAsync(Server, session);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var result = await client.CallToolAsync(tool, new Dictionary<string, object?> { [name] = value }, cancellationToken: timeout.Token);

        Assert.Contains(expected, result.Error(), StringComparison.Ordinal);
    }
}
