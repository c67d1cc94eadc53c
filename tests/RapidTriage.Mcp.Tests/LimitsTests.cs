using System.Net;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary><c>Relay:Mcp:MaxRequestBytes</c> and the per-client rate limit, each on a gateway of its own.</summary>
public sealed class LimitsTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Post_LargerThanMaxRequestBytes_Gets413()
    {
        await using var server = await RelayServer.StartAsync("Relay:Mcp:MaxRequestBytes=2048");
        var padded = McpHttp.Initialize.Replace("\"test\"", "\"" + new string('a', 4096) + "\"", StringComparison.Ordinal);

        var (big, body, _) = await McpHttp.PostAsync(server, body: padded);
        var (bigChunked, chunkedBody, _) = await McpHttp.PostAsync(server, body: padded, chunked: true);
        var (small, _, _) = await McpHttp.PostAsync(server);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big);
        Assert.Contains("at most 2048 bytes", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigChunked);
        Assert.Contains("at most 2048 bytes", chunkedBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, small);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Post_OverTheRate_Gets429WithRetryAfter()
    {
        await using var server = await RelayServer.StartAsync("Relay:Mcp:PermitsPerSecond=0.01", "Relay:Mcp:Burst=3");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            var (status, _, response) = await McpHttp.PostAsync(server);
            statuses.Add(status);
            last = response;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.Contains("Retry-After"));
    }
}
