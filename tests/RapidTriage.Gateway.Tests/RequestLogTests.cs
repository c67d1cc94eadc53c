using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// Request logging never prints a credential, whatever the log configuration: with every category at Trace, the
/// request-logging ones named for this provider (which outranks the gateway's own filters), the lines that quote a
/// URL are still written (so the test sees them) but with <c>access_token</c> masked.
/// </summary>
public sealed class RequestLogTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Logs_AtTraceEverywhere_NeverContainAccessTokenFromAnyRequest()
    {
        await using var relay = await LoggedRelay.StartAsync();
        var session = RelayFixture.NewSession();
        var token = RelayServer.Token(session);
        var forged = token[..token.LastIndexOf('.')] + ".forgedSIGNATURE0123456789";

        await using (var viaQuery = await TestClient.ConnectAsync(relay.WebSocketUri($"/tunnel/{session}?access_token={token}")))
        {
            await viaQuery.HeartbeatAsync();
        }

        var (refused, _) = await TestClient.ConnectOrStatusAsync(relay.WebSocketUri($"/tunnel/{session}?access_token={forged}"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        using (var http = new HttpClient { BaseAddress = relay.BaseUri })
        {
            using var events = await http.GetAsync($"/api/sessions/{session}/events?access_token={token}&api_key=plain-api-key-42");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}?password=hunter2-secret");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var roster = await http.SendAsync(request);
        }

        // A request Kestrel refuses before routing: its bad-request log quotes the request line.
        await SendRawAsync(relay.BaseUri, $"GET /tunnel/{session}?access_token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n");

        var logs = relay.Logs.All;
        Assert.Contains("Request starting", logs, StringComparison.Ordinal);
        Assert.Contains("access_token=[REDACTED]", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { token, forged, Signature(token), "forgedSIGNATURE0123456789", "plain-api-key-42", "hunter2-secret" })
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"{secret} was logged:\n{string.Join('\n', relay.Logs.Texts.Where(l => l.Contains(secret, StringComparison.Ordinal)))}");
        }
    }

    private static string Signature(string jwt) => jwt[(jwt.LastIndexOf('.') + 1)..];

    private static async Task SendRawAsync(Uri baseUri, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        Assert.StartsWith("HTTP/1.1 400", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }
}
