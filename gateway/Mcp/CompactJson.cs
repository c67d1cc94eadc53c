using System.Text.Json;
using System.Text.Json.Nodes;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// Copies event data into a tool result small enough for a model's context: long strings and arrays are cut and
/// say so in place (<c>… [truncated: 12000 chars]</c>), deep nesting is replaced by a marker.
/// </summary>
internal sealed class CompactJson(int maxStringLength, int maxArrayItems)
{
    private const int MaxDepth = 12;

    /// <summary>Set when anything was cut since the last <see cref="Reset"/>.</summary>
    public bool Truncated { get; private set; }

    public void Reset() => Truncated = false;

    public JsonNode? Copy(JsonElement element) => Copy(element, 0);

    public JsonNode Text(string value)
    {
        if (value.Length <= maxStringLength)
        {
            return JsonValue.Create(value);
        }

        Truncated = true;
        return JsonValue.Create($"{value[..maxStringLength]}… [truncated: {value.Length} chars]");
    }

    private JsonNode? Copy(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (depth >= MaxDepth)
                {
                    Truncated = true;
                    return JsonValue.Create("[truncated: nested too deep]");
                }

                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = Copy(property.Value, depth + 1);
                }

                return obj;
            case JsonValueKind.Array:
                if (depth >= MaxDepth)
                {
                    Truncated = true;
                    return JsonValue.Create("[truncated: nested too deep]");
                }

                var array = new JsonArray();
                var count = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (count == maxArrayItems)
                    {
                        Truncated = true;
                        array.Add(JsonValue.Create($"[truncated: {element.GetArrayLength() - count} more items]"));
                        break;
                    }

                    array.Add(Copy(item, depth + 1));
                    count++;
                }

                return array;
            case JsonValueKind.String:
                return Text(element.GetString()!);
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            default:
                return JsonNode.Parse(element.GetRawText());
        }
    }
}
