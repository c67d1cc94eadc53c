using System.Diagnostics.Metrics;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// Instruments of <c>/mcp</c> (meter <c>RapidTriage.Mcp</c>, exported on <c>/metrics</c>): tool calls by tool and
/// outcome, and how long a screenshot takes from request to answer. Tool names are the fixed set the server offers.
/// </summary>
internal sealed class McpMetrics
{
    public const string MeterName = "RapidTriage.Mcp";

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _screenshot;

    public McpMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>("relay.mcp.tool_calls", description: "MCP tool calls, by tool and outcome.");
        _screenshot = meter.CreateHistogram<double>(
            "relay.mcp.screenshot.duration", unit: "s", description: "takeScreenshot round trip through the session to the browser, by outcome.");
    }

    public void ToolCalled(string tool, string outcome) =>
        _calls.Add(1, new KeyValuePair<string, object?>("tool", tool), new KeyValuePair<string, object?>("outcome", outcome));

    public void Screenshot(TimeSpan elapsed, string outcome) =>
        _screenshot.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
}
