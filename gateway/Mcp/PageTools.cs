using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Mcp;

/// <summary>What the browser shows now: the selected element, the page, and who is connected.</summary>
[McpServerToolType]
internal sealed class PageTools(McpToolRunner runner, IGrainFactory grains, IOptions<McpOptions> options)
{
    private readonly McpOptions _options = options.Value;

    [McpServerTool(Name = "getSelectedElement", Title = "Selected DOM element", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The DOM element most recently picked in the browser with the RapidTriage element picker: tag, id, classes, "
        + "attributes, size and position, computed styles, text, HTML (cut when long), XPath and CSS selector.")]
    public Task<CallToolResult> GetSelectedElement() =>
        runner.RunAsync("getSelectedElement", caller => LatestAsync(caller, "element-selected",
            $"No element has been selected in session '{caller.SessionId}' yet. Ask the user to pick one with the RapidTriage "
            + "extension's element picker (DevTools panel), then call getSelectedElement again."));

    [McpServerTool(Name = "getPageInfo", Title = "Current page", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The page the browser tab is on: URL, title and tab, from its most recent navigation.")]
    public Task<CallToolResult> GetPageInfo() =>
        runner.RunAsync("getPageInfo", caller => LatestAsync(caller, "page-navigated",
            $"Session '{caller.SessionId}' has seen no navigation yet. Reload the page with the RapidTriage extension connected "
            + "to this relay; getConnectionStatus shows whether a browser is connected."));

    [McpServerTool(Name = "getConnectionStatus", Title = "Connection status", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Whether a browser is connected to this session, which tabs, and what they can do (console, network, screenshots, "
        + "element selection). Call it first when another tool says no browser is connected or returns nothing.")]
    public Task<CallToolResult> GetConnectionStatus() =>
        runner.RunAsync("getConnectionStatus", async caller =>
        {
            var session = grains.GetGrain<ISessionGrain>(caller.SessionId);
            var roster = await session.GetRoster();
            var newest = await session.GetHistory(new HistoryQuery([], 0, 1, Newest: true));
            var members = new JsonArray();
            var browsers = 0;
            var screenshots = false;
            foreach (var member in roster)
            {
                var capabilities = member.Capabilities.IsDefault ? [] : member.Capabilities;
                if (member.Role != ConnectionRole.Mcp && !capabilities.IsEmpty)
                {
                    browsers++;
                    screenshots |= capabilities.Contains(Capabilities.ScreenshotCapture);
                }

                members.Add(new JsonObject
                {
                    ["connectionId"] = member.ConnectionId,
                    ["role"] = WireJson.RoleName(member.Role),
                    ["clientType"] = member.ClientType,
                    ["tabId"] = member.TabId,
                    ["userAgent"] = member.UserAgent is { } agent ? new CompactJson(_options.MaxStringLength, 1).Text(agent) : null,
                    ["capabilities"] = new JsonArray([.. capabilities.Select(c => (JsonNode)JsonValue.Create(c))]),
                    ["connectedAt"] = member.ConnectedAt,
                    ["lastSeen"] = member.LastSeen,
                });
            }

            return ToolReply.Structured(new JsonObject
            {
                ["sessionId"] = caller.SessionId,
                ["browserConnected"] = browsers > 0,
                ["screenshotAvailable"] = screenshots,
                ["members"] = members,
                ["lastSeq"] = newest.LastSeq,
                ["summary"] = browsers > 0
                    ? $"{browsers} browser connection(s) in session '{caller.SessionId}'{(screenshots ? "" : ", none can take screenshots")}."
                    : $"No browser is connected to session '{caller.SessionId}'. Open the page in Chrome with the RapidTriage extension "
                        + $"pointed at this relay (session '{caller.SessionId}').",
            });
        });

    private async Task<ToolReply> LatestAsync(McpCaller caller, string type, string none)
    {
        var page = await grains.GetGrain<ISessionGrain>(caller.SessionId).GetHistory(new HistoryQuery([type], 0, 1, Newest: true));
        if (page.Events.IsEmpty)
        {
            return ToolReply.Error(page.LastSeq == 0 ? ToolReply.NoEvents : ToolReply.NotFound, none);
        }

        var view = EventView.Render(page.Events[0], new CompactJson(_options.MaxStringLength, _options.MaxArrayItems));
        view["sessionId"] = caller.SessionId;
        return ToolReply.Structured(view);
    }
}
