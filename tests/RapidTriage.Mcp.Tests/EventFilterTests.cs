using System.Text.Json;
using RapidTriage.Gateway.Mcp;

namespace RapidTriage.Mcp.Tests;

/// <summary>The log tools' filters on event data shapes the extension and BrowserTools send.</summary>
public sealed class EventFilterTests
{
    [Theory]
    [InlineData("404", 404, true)]
    [InlineData("404", 405, false)]
    [InlineData("5xx", 503, true)]
    [InlineData("5XX", 499, false)]
    [InlineData("400-499", 400, true)]
    [InlineData("400-499", 500, false)]
    public void Status_CodeClassOrRange_MatchesNumericAndStringStatuses(string status, int code, bool expected)
    {
        var filter = EventFilter.Create(null, out var error, status: status)!;

        Assert.Null(error);
        Assert.Equal(expected, filter.Matches("network-request", Data(new { status = code })));
        Assert.Equal(expected, filter.Matches("network-request", Data(new { status = code.ToString(System.Globalization.CultureInfo.InvariantCulture) })));
        Assert.Equal(expected, filter.Matches("network-request", Data(new { response = new { status = code } })));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("6xx")]
    [InlineData("500-400")]
    [InlineData("-1")]
    public void Status_NotUnderstood_IsRefusedWithTheAcceptedForms(string status)
    {
        var filter = EventFilter.Create(null, out var error, status: status);

        Assert.Null(filter);
        Assert.Contains("a code (404), a class (4xx) or a range (400-599)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Keywords_AllMustAppear_AnywhereInTheData()
    {
        var filter = EventFilter.Create(null, out _, keywords: "checkout 503")!;

        Assert.True(filter.Matches("network-request", Data(new { url = "https://shop.example/Checkout", status = 503 })));
        Assert.True(filter.Matches("console-log", Data(new { args = new object[] { "checkout failed", new { code = 503 } } })));
        Assert.False(filter.Matches("network-request", Data(new { url = "https://shop.example/checkout", status = 200 })));
    }

    [Fact]
    public void NetworkErrors_FailedOrErroredRequests_AreSelected()
    {
        Assert.True(EventFilter.IsNetworkError("network-error", Data(new { url = "x" })));
        Assert.True(EventFilter.IsNetworkError("network-request", Data(new { status = 404 })));
        Assert.True(EventFilter.IsNetworkError("network-request", Data(new { status = 0, error = "net::ERR_FAILED" })));
        Assert.False(EventFilter.IsNetworkError("network-request", Data(new { status = 302, error = (string?)null })));
    }

    [Fact]
    public void Level_ConsoleErrorWithoutLevel_CountsAsError()
    {
        var filter = EventFilter.Create(null, out _, level: "warn, error")!;

        Assert.True(filter.Matches("console-error", Data(new { message = "boom" })));
        Assert.True(filter.Matches("console-log", Data(new { level = "WARN", message = "careful" })));
        Assert.False(filter.Matches("console-log", Data(new { message = "plain log" })));
    }

    private static JsonElement Data(object data) => JsonSerializer.SerializeToElement(data);
}
