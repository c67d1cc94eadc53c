using System.Buffers;
using System.Text.Json;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>The translations between the BrowserTools extension's flat frames and envelopes (<see cref="BrowserToolsDialect"/>).</summary>
internal static class LegacyFrames
{
    public static bool HasUrl(JsonElement root) =>
        root.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && url.GetString()!.Length > 0;

    /// <summary><c>screenshot-response</c> with <c>id</c> = the frame's <c>requestId</c>; null without one (it answers nothing).</summary>
    public static byte[]? ScreenshotResponse(JsonElement root, bool success)
    {
        if (!root.TryGetProperty("requestId", out var requestId) || requestId.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return null;
        }

        var image = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return Write(writer =>
        {
            writer.WriteString("type", MessageTypes.ScreenshotResponse);
            writer.WriteString("id", requestId.ValueKind == JsonValueKind.String ? requestId.GetString() : requestId.GetRawText());
            writer.WriteStartObject("data");
            if (success && image is { Length: > 0 })
            {
                writer.WriteBoolean("success", true);
                writer.WriteString("base64", image);
                writer.WriteString("format", "png");
            }
            else
            {
                writer.WriteBoolean("success", false);
                writer.WriteString("error", root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                    ? e.GetString()
                    : success ? "The extension sent screenshot-data without an image." : "Screenshot capture failed");
            }

            if (root.TryGetProperty("autoPaste", out var autoPaste) && autoPaste.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                writer.WriteBoolean("autoPaste", autoPaste.GetBoolean());
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>A <c>page-navigated</c> event whose <c>data</c> holds the frame's own fields (<c>url</c>, <c>tabId</c>, …).</summary>
    public static byte[] PageNavigated(JsonElement root) => Write(writer =>
    {
        writer.WriteString("type", "page-navigated");
        writer.WriteStartObject("data");
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("type"))
            {
                continue;
            }

            property.WriteTo(writer);
        }

        writer.WriteEndObject();
    });

    public static byte[] TakeScreenshot(string requestId) => Write(writer =>
    {
        writer.WriteString("type", "take-screenshot");
        writer.WriteString("requestId", requestId);
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The envelope's top-level <c>type</c> and <c>id</c>, without parsing the rest.</summary>
    public static (string? Type, string? Id) Peek(byte[] payload)
    {
        var reader = new Utf8JsonReader(payload);
        string? type = null;
        string? id = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (null, null);
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            var isId = !isType && reader.ValueTextEquals("id"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                type = reader.GetString();
            }
            else if (isId && reader.TokenType == JsonTokenType.String)
            {
                id = reader.GetString();
            }
            else
            {
                reader.Skip();
            }

            if (type is not null && id is not null)
            {
                break;
            }
        }

        return (type, id);
    }
}
