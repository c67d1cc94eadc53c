using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RapidTriage.Gateway.Hosting;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>What local mode prints once it listens: URLs on the port actually bound, and a token that works.</summary>
public sealed class StartupBannerTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Banner_NoSigningKey_NamesBoundUrlsAndExportsAWorkingToken()
    {
        var output = new StringWriter();
        await using var server = await RelayServer.StartAsync(
            b => b.Services.AddSingleton(new StartupBannerOutput(TextWriter.Synchronized(output))),
            "Relay:Auth:SigningKey=");
        var banner = await WaitForBannerAsync(output);
        var http = $"http://127.0.0.1:{server.BaseUri.Port}";
        var ws = $"ws://127.0.0.1:{server.BaseUri.Port}";

        Assert.Contains($"{ws}/extension-ws", banner, StringComparison.Ordinal);
        Assert.Contains($"{ws}/mcp-ws", banner, StringComparison.Ordinal);
        Assert.Contains($"{ws}/tunnel/local?access_token=$TOKEN", banner, StringComparison.Ordinal);
        Assert.Contains($"{http}/sessions/local{Environment.NewLine}", banner, StringComparison.Ordinal);
        Assert.Contains($"{http}/healthz", banner, StringComparison.Ordinal);
        Assert.Contains($"{http}/metrics", banner, StringComparison.Ordinal);
        Assert.Contains("Relay__Auth__SigningKey", banner, StringComparison.Ordinal);
        Assert.Contains("made anew for each run", banner, StringComparison.Ordinal);

        var token = banner.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("export TOKEN=", StringComparison.Ordinal))["export TOKEN=".Length..];
        Assert.Contains($"{http}/sessions/local#token={token}", banner, StringComparison.Ordinal);

        // The printed token opens the default session's API and tunnel on this relay.
        using var http1 = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{http}/api/sessions/local");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http1.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var tunnel = await TestClient.ConnectAsync(new Uri($"{ws}/tunnel/local?access_token={token}"));
        Assert.Equal("local", tunnel.Ack["data"]!["sessionId"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Banner_ConfiguredKeyAndOperationsPort_PrintsTheMintCommandAndTheOperationsPort()
    {
        var output = new StringWriter();
        var relayPort = FreePort.Next();
        var operationsPort = FreePort.Next();
        await using var server = await RelayServer.StartAsync(
            b => b.Services.AddSingleton(new StartupBannerOutput(TextWriter.Synchronized(output))),
            $"Relay:Urls=http://127.0.0.1:{operationsPort};http://127.0.0.1:{relayPort}",
            $"Relay:Operations:Port={operationsPort}");
        var banner = await WaitForBannerAsync(output);

        Assert.DoesNotContain("export TOKEN=ey", banner, StringComparison.Ordinal);
        Assert.Contains("token --session local", banner, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{operationsPort}/metrics", banner, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{operationsPort}/healthz", banner, StringComparison.Ordinal);
        Assert.Contains($"ws://127.0.0.1:{relayPort}/extension-ws", banner, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForBannerAsync(StringWriter output)
    {
        await Eventually.TrueAsync(() => output.ToString().Contains("metrics", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the banner is written");
        return output.ToString();
    }
}
