using Microsoft.Extensions.Logging;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>Every refused request leaves one log line: status, reason, path, remote address; never a token or the query.</summary>
public sealed class RefusalLogTests : IAsyncLifetime
{
    private const string Category = "RapidTriage.Gateway.Api.RefusalLog";
    private readonly LogCapture _logs = new();
    private RelayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RelayServer.StartAsync(b => b.Logging.AddProvider(_logs), $"Logging:LogLevel:{Category}=Information");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Tunnel_ForgedTokenInQuery_401IsLoggedWithoutTokenOrQuery()
    {
        var session = RelayFixture.NewSession();
        var token = RelayServer.Token(session);
        var forged = token[..token.LastIndexOf('.')] + ".forged" + Guid.NewGuid().ToString("N");

        var raw = await RawHttp.GetAsync(_server.BaseUri, $"/tunnel/{session}?access_token={forged}");
        Assert.Equal(401, raw.Status);

        var line = await _logs.WaitForAsync(l => l.Category == Category && l.Message.Contains($"/tunnel/{session}", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("401", line.Message, StringComparison.Ordinal);
        Assert.Contains("Unauthorized", line.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", line.Message, StringComparison.Ordinal);
        Assert.Contains("GET", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(forged[forged.LastIndexOf('.')..], string.Join('\n', _logs.Lines), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task PlainGet_426IsLogged()
    {
        var raw = await RawHttp.GetAsync(_server.BaseUri, "/mcp-ws?sessionId=plain", upgrade: false);
        Assert.Equal(426, raw.Status);

        var line = await _logs.WaitForAsync(l => l.Category == Category && l.Message.Contains("426", StringComparison.Ordinal));
        Assert.Contains("/mcp-ws from 127.0.0.1", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sessionId=plain", line.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Api_TokenForAnotherSession_403IsLogged()
    {
        var session = RelayFixture.NewSession();
        using var http = new HttpClient { BaseAddress = _server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}/events?limit=5");
        request.Headers.Authorization = new("Bearer", RelayServer.Token("someone-else"));
        using var response = await http.SendAsync(request);
        Assert.Equal(403, (int)response.StatusCode);

        var line = await _logs.WaitForAsync(l => l.Category == Category && l.Message.Contains($"/api/sessions/{session}/events", StringComparison.Ordinal));
        Assert.Contains("403", line.Message, StringComparison.Ordinal);
        Assert.Contains("token is for another session", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("limit=5", line.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Upgrade_BadKey_400IsLoggedWithTheReason()
    {
        var raw = await RawHttp.GetAsync(_server.BaseUri, "/extension-ws", webSocketKey: "SGVsbG8sIHdvcmxkIQ==");
        Assert.Equal(400, raw.Status);

        var line = await _logs.WaitForAsync(l => l.Category == Category && l.Message.Contains("400", StringComparison.Ordinal));
        Assert.Contains("Sec-WebSocket-Key", line.Message, StringComparison.Ordinal);
    }
}
