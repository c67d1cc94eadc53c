using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 6 on real capture shapes (Corpus/*.json: Chrome DevTools Protocol events, a HAR 1.2 entry,
/// BrowserTools' network-request, fetch/XHR wrappers), each planted with credentials marked <c>PLANT-…</c> and
/// plain values marked <c>KEEP-…</c>: sent over a real socket, no planted secret reaches another member, the
/// history (socket and HTTP) or any log line, and every plain value arrives unchanged.
/// </summary>
public sealed partial class CorpusRedactionTests
{
    public static TheoryData<string> Files => [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.json").Select(f => Path.GetFileName(f))];

    [Theory(Timeout = TestTimeouts.Long)]
    [MemberData(nameof(Files))]
    public async Task CaptureShape_WithPlantedCredentials_NoSecretReachesMembersHistoryOrLogs(string file)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Corpus", file));
        var planted = Planted().Matches(text).Select(m => m.Value).Distinct().ToArray();
        var kept = Kept().Matches(text).Select(m => m.Value).Distinct().ToArray();
        Assert.True(planted.Length >= 5, $"{file} plants only {planted.Length} secrets");
        Assert.NotEmpty(kept);

        await using var relay = await LoggedRelay.StartAsync();
        var session = RelayFixture.NewSession();
        await using var receiver = await TestClient.ConnectAsync(relay.WebSocketUri($"/mcp-ws?sessionId={session}"));
        await using var tunnel = await TestClient.ConnectAsync(relay.WebSocketUri($"/tunnel/{session}"), TestClient.Bearer(RelayServer.Token(session)));
        await using var sender = await TestClient.ConnectAsync(relay.WebSocketUri($"/extension-ws?sessionId={session}"));

        await sender.SendTextAsync(text);
        var type = JsonNode.Parse(text)!["type"]!.GetValue<string>();
        var live = (await receiver.ReceiveTypeAsync(type)).ToJsonString();
        var viaTunnel = (await tunnel.ReceiveTypeAsync(type)).ToJsonString();
        await receiver.SendAsync(new { type = "history-request", id = "h", data = new { types = new[] { type }, afterSeq = 0, limit = 10 } });
        var history = (await receiver.ReceiveTypeAsync("history-response")).ToJsonString();
        var http = await HttpEventsAsync(relay.BaseUri, session);

        foreach (var (where, output) in new[] { ("live", live), ("tunnel", viaTunnel), ("history", history), ("http", http), ("logs", relay.Logs.All) })
        {
            foreach (var secret in planted)
            {
                Assert.False(Regex.IsMatch(output, Regex.Escape(secret) + @"\b"), $"{file}: {secret} reached {where}: {output}");
            }
        }

        foreach (var value in kept)
        {
            Assert.True(live.Contains(value, StringComparison.Ordinal), $"{file}: plain value {value} was lost: {live}");
            Assert.Contains(value, http, StringComparison.Ordinal);
        }

        Assert.Contains(CredentialMask, live, StringComparison.Ordinal);
        Assert.NotEmpty(relay.Logs.Lines);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CaptureShape_Redacted_KeepsEveryFieldName(string file)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", file));
        var parser = ParserFactory.Create();
        Assert.True(parser.TryParse(System.Text.Encoding.UTF8.GetBytes(text), new("s", "c", "extension"), out var parsed, out var error), error.Message);

        var before = JsonNode.Parse(text)!["data"]!;
        var after = JsonNode.Parse(parsed.Payload)!["data"]!;
        Assert.Equal(Names(before), Names(after));
    }

    private const string CredentialMask = "[REDACTED]";

    /// <summary>Every member path of a JSON tree (array positions included): redaction never drops or renames one.</summary>
    private static List<string> Names(JsonNode? node, string path = "$")
    {
        var names = new List<string>();
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    names.Add($"{path}.{key}");
                    names.AddRange(Names(value, $"{path}.{key}"));
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    names.AddRange(Names(array[i], $"{path}[{i}]"));
                }

                break;
        }

        return names;
    }

    private static async Task<string> HttpEventsAsync(Uri baseUri, string session)
    {
        using var http = new HttpClient { BaseAddress = baseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayServer.Token(session));
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex(@"PLANT-[a-z]+-\d+\b")]
    private static partial Regex Planted();

    [GeneratedRegex(@"KEEP-[A-Za-z0-9.-]+")]
    private static partial Regex Kept();
}
