using System.Text.Json;
using System.Text.Json.Nodes;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// An event as a tool result shows it: <c>seq</c>, <c>type</c>, <c>timestamp</c>, the page it came from
/// (<c>metadata.tabId</c>, <c>metadata.url</c>) and its compacted <c>data</c>; the relay's other stamps are left out.
/// </summary>
internal static class EventView
{
    public static JsonObject Render(StoredEvent stored, CompactJson compact)
    {
        compact.Reset();
        using var document = JsonDocument.Parse(stored.Payload);
        var root = document.RootElement;
        var view = new JsonObject
        {
            ["seq"] = stored.Seq,
            ["type"] = stored.Type,
        };
        if (root.TryGetProperty("timestamp", out var timestamp) && timestamp.ValueKind == JsonValueKind.Number)
        {
            view["timestamp"] = JsonNode.Parse(timestamp.GetRawText());
        }

        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in (ReadOnlySpan<string>)["tabId", "url"])
            {
                if (metadata.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    view[name] = compact.Copy(value);
                }
            }
        }

        view["data"] = root.TryGetProperty("data", out var data) ? compact.Copy(data) : null;
        if (compact.Truncated)
        {
            view["truncated"] = true;
        }

        return view;
    }

    /// <summary>The event's <c>data</c> object (an empty object when it has none), for filtering.</summary>
    public static JsonElement DataOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data : default;
}
