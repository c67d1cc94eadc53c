using System.Buffers;
using System.Text.Json;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// The BrowserTools 1.2 extension's flat frames on <c>/extension-ws</c> (README "BrowserTools users"). Inbound,
/// its frames become envelopes (<c>screenshot-data</c>/<c>screenshot-error</c> answer the <c>screenshot-request</c>
/// whose <c>id</c> is their <c>requestId</c>; <c>page-navigated</c> and <c>current-url-response</c> become
/// <c>page-navigated</c> events) and <c>heartbeat</c> is answered <c>heartbeat-response</c>. Outbound, a
/// <c>screenshot-request</c> becomes <c>take-screenshot</c>; what the extension has no use for is not sent.
/// A <c>connection-init</c> shows an envelope client: from then on frames pass through unchanged.
/// </summary>
internal sealed class BrowserToolsDialect : IWireDialect
{
    private static readonly byte[] HeartbeatResponse = """{"type":"heartbeat-response"}"""u8.ToArray();

    private volatile bool _envelopes;

    /// <summary>True once the client sent a <c>connection-init</c>: it speaks envelopes.</summary>
    public bool SpeaksEnvelopes => _envelopes;

    public DialectInbound Inbound(ReadOnlyMemory<byte> frame)
    {
        if (_envelopes)
        {
            return DialectInbound.PassThrough(frame);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException)
        {
            // The relay answers it as the invalid message it is (an error the extension is not sent).
            return DialectInbound.PassThrough(frame);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String)
            {
                return DialectInbound.PassThrough(frame);
            }

            var isEnvelope = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object;
            switch (typeElement.GetString())
            {
                case MessageTypes.ConnectionInit:
                    _envelopes = true;
                    return DialectInbound.PassThrough(frame);
                case MessageTypes.Heartbeat when !isEnvelope && !root.TryGetProperty("id", out _):
                    return new DialectInbound(ReadOnlyMemory<byte>.Empty, HeartbeatResponse);
                case "screenshot-data":
                    return Translated(ScreenshotResponse(root, success: true));
                case "screenshot-error":
                    return Translated(ScreenshotResponse(root, success: false));
                case "page-navigated" when !isEnvelope && HasUrl(root):
                case "current-url-response" when HasUrl(root):
                    return Translated(PageNavigated(root));
                case "current-url-response":
                    return new DialectInbound(ReadOnlyMemory<byte>.Empty, null);
                default:
                    return DialectInbound.PassThrough(frame);
            }
        }
    }

    public byte[]? Outbound(byte[] payload)
    {
        if (_envelopes)
        {
            return payload;
        }

        var (type, id) = Peek(payload);
        return type switch
        {
            MessageTypes.ScreenshotRequest when id is not null => TakeScreenshot(id),

            // An envelope client that has not sent its connection-init yet needs its ack; the extension ignores it.
            MessageTypes.ConnectionAck => payload,
            _ => null,
        };
    }

    private static DialectInbound Translated(byte[]? envelope) =>
        new(envelope ?? ReadOnlyMemory<byte>.Empty, null);

    private static bool HasUrl(JsonElement root) =>
        root.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && url.GetString()!.Length > 0;

    /// <summary><c>screenshot-response</c> with <c>id</c> = the frame's <c>requestId</c>; null without one (it answers nothing).</summary>
    private static byte[]? ScreenshotResponse(JsonElement root, bool success)
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
    private static byte[] PageNavigated(JsonElement root) => Write(writer =>
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

    private static byte[] TakeScreenshot(string requestId) => Write(writer =>
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
    private static (string? Type, string? Id) Peek(byte[] payload)
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
