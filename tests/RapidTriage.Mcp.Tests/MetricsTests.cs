using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>Tool calls by tool and outcome, and screenshot round trips, on the gateway's <c>/metrics</c>.</summary>
[Collection(McpRelayCollection.Name)]
public sealed class MetricsTests(McpRelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Metrics_AfterToolCalls_CountByToolAndOutcomeAndTimeScreenshots()
    {
        var session = McpRelayFixture.NewSession();
        await using var extension = await ScriptedExtension.ConnectAsync(Server, session);
        await extension.PublishAsync("console-log", new { message = "counted" });
        await using var client = await McpClients.ConnectAsync(Server, session);
        await client.CallAsync("getConsoleLogs");
        await client.CallAsync("getNetworkLogs", new { status = "teapot" });
        var answering = extension.AnswerScreenshotAsync(TestPng.Create(2, 2));
        await client.CallAsync("takeScreenshot");
        await answering;

        var metrics = await ScrapeAsync(m =>
            m.Contains("tool=\"takeScreenshot\"", StringComparison.Ordinal) && m.Contains("relay_mcp_screenshot_duration_seconds_count", StringComparison.Ordinal));

        Assert.Matches("relay_mcp_tool_calls_total\\{[^}]*outcome=\"ok\"[^}]*tool=\"getConsoleLogs\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("relay_mcp_tool_calls_total\\{[^}]*outcome=\"invalid_arguments\"[^}]*tool=\"getNetworkLogs\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("relay_mcp_tool_calls_total\\{[^}]*outcome=\"ok\"[^}]*tool=\"takeScreenshot\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("relay_mcp_screenshot_duration_seconds_count\\{[^}]*outcome=\"ok\"[^}]*\\} [1-9]", metrics);
    }

    /// <summary>The exporter collects on an interval: read until what the test waits for is there.</summary>
    private async Task<string> ScrapeAsync(Func<string, bool> ready)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await Eventually.LatestAsync(() => http.GetStringAsync(new Uri(Server.BaseUri, "metrics")), ready, TimeSpan.FromSeconds(15));
    }
}
