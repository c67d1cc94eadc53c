using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Envelopes;

/// <summary>
/// Validates a frame (docs/protocol.md section 3) and writes the envelope the session forwards: the client's
/// fields as they came, missing <c>id</c>/<c>timestamp</c> filled in, <c>metadata</c> stamped, credentials
/// redacted. Parsed once here; the session and every receiver share the resulting bytes.
/// </summary>
internal sealed class EnvelopeParser(IOptions<RelayOptions> options, CredentialRedactor redactor, TimeProvider clock)
{
    private const int ScratchBytes = 4 * 1024;
    private const int MaxRetainedScratchBytes = 64 * 1024;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private static readonly (byte[] Utf8, string Name)[] KnownTypes = [.. new[]
    {
        "console-log", "console-error", "network-request", "network-error", "element-selected", "page-navigated",
        MessageTypes.ScreenshotRequest, MessageTypes.ScreenshotResponse, MessageTypes.ClearLogs, MessageTypes.Heartbeat,
        MessageTypes.ConnectionInit, MessageTypes.ConnectionClose, MessageTypes.HistoryRequest, MessageTypes.AuthRefresh,
    }.Select(t => (System.Text.Encoding.UTF8.GetBytes(t), t))];

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? _scratchWriter;

    private readonly long _maxAgeMs = (long)options.Value.MaxMessageAge.TotalMilliseconds;

    public bool TryParse(ReadOnlyMemory<byte> frame, in StampContext stamp, out ParsedFrame parsed, out FrameError error)
    {
        parsed = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame, DocumentOptions);
        }
        catch (JsonException ex)
        {
            error = new FrameError(ErrorCodes.InvalidMessage, $"Not valid UTF-8 JSON: {ex.Message}", null);
            return false;
        }

        using (document)
        {
            try
            {
                return TryParse(document.RootElement, stamp, out parsed, out error);
            }
            catch (InvalidOperationException)
            {
                // Valid JSON that is not valid text: a lone surrogate escape ("\ud800") or undecodable UTF-8
                // in a name; JsonDocument accepts both and fails only when the string is read.
                parsed = default;
                error = new FrameError(ErrorCodes.InvalidMessage, "A string is not valid text (invalid UTF-8 or a lone surrogate \\u escape).", PeekId(frame.Span));
                return false;
            }
        }
    }

    /// <summary>The top-level string <c>id</c> of a frame, if it has one; for errors about frames not parsed.</summary>
    public static string? PeekId(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }

        return null;
    }

    private bool TryParse(JsonElement root, in StampContext stamp, out ParsedFrame parsed, out FrameError error)
    {
        parsed = default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new FrameError(ErrorCodes.InvalidMessage, "A frame must be a JSON object.", null);
            return false;
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (idElement.ValueKind != JsonValueKind.String)
            {
                error = new FrameError(ErrorCodes.InvalidMessage, "\"id\" must be a string.", null);
                return false;
            }

            id = idElement.GetString();
        }

        if (HasDuplicateReservedMember(root))
        {
            error = new FrameError(ErrorCodes.InvalidMessage, "\"type\", \"id\", \"timestamp\", \"metadata\" and \"data\" may each appear once.", id);
            return false;
        }

        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
            || (KnownType(typeElement) ?? typeElement.GetString()) is not { Length: > 0 } type)
        {
            error = new FrameError(ErrorCodes.InvalidMessage, "A frame needs a non-empty string \"type\".", id);
            return false;
        }

        if (MessageTypes.IsServerOnly(type))
        {
            error = new FrameError(ErrorCodes.InvalidMessage, $"\"{type}\" is sent only by the relay.", id);
            return false;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var timestamp = now;
        if (root.TryGetProperty("timestamp", out var timestampElement))
        {
            if (timestampElement.ValueKind != JsonValueKind.Number || !timestampElement.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                error = new FrameError(ErrorCodes.InvalidTimestamp, "\"timestamp\" must be a number (ms since the epoch).", id);
                return false;
            }

            if (now - value > _maxAgeMs)
            {
                error = new FrameError(ErrorCodes.MessageTooOld, $"\"timestamp\" is more than {_maxAgeMs / 1000} s old.", id);
                return false;
            }

            timestamp = (long)value;
        }

        var metadata = root.TryGetProperty("metadata", out var metadataElement) ? metadataElement : default;
        if (metadata.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object or JsonValueKind.Null))
        {
            error = new FrameError(ErrorCodes.InvalidMessage, "\"metadata\" must be an object.", id);
            return false;
        }

        var hasId = id is not null;
        var hasTimestamp = timestampElement.ValueKind != JsonValueKind.Undefined;
        id ??= WireJson.NewId();
        var data = root.TryGetProperty("data", out var dataElement) ? dataElement : default;
        if (MessageTypes.IsControl(type))
        {
            parsed = new ParsedFrame(type, id, EnvelopeKind.Event, true, null, data.ValueKind == JsonValueKind.Undefined ? default : data.Clone());
            error = default;
            return true;
        }

        var kind = MessageTypes.KindOf(type);
        parsed = new ParsedFrame(type, id, kind, false, Stamp(root, hasId ? null : id, hasTimestamp ? null : timestamp, metadata, kind, stamp), default);
        error = default;
        return true;
    }

    /// <summary>The shared string of a type the relay knows, so routine frames allocate no <c>type</c> string.</summary>
    private static string? KnownType(JsonElement type)
    {
        foreach (var (utf8, name) in KnownTypes)
        {
            if (type.ValueEquals(utf8))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>
    /// Receivers' JSON parsers disagree on repeated names (first wins, last wins, or an error), so a frame
    /// that repeats a member the relay routes or stamps by is refused rather than read two ways.
    /// </summary>
    private static bool HasDuplicateReservedMember(JsonElement root)
    {
        int type = 0, id = 0, timestamp = 0, metadata = 0, data = 0;
        foreach (var property in root.EnumerateObject())
        {
            var repeated =
                (property.NameEquals("type") && ++type > 1) || (property.NameEquals("id") && ++id > 1)
                || (property.NameEquals("timestamp") && ++timestamp > 1) || (property.NameEquals("metadata") && ++metadata > 1)
                || (property.NameEquals("data") && ++data > 1);
            if (repeated)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the forwarded envelope; <paramref name="newId"/> and <paramref name="newTimestamp"/> are set only when the client left them out.</summary>
    private byte[] Stamp(JsonElement root, string? newId, long? newTimestamp, JsonElement metadata, EnvelopeKind kind, in StampContext stamp)
    {
        // One writer and buffer per thread, reused: a fresh ArrayBufferWriter grew four times per 300-byte
        // event (the writer asks for the worst-case escaped size), which was half of all bytes the relay
        // allocated per message. Stamping never awaits, so a thread-static pair is never shared.
        var buffer = _scratch ??= new ArrayBufferWriter<byte>(ScratchBytes);
        buffer.ResetWrittenCount();
        var writer = _scratchWriter;
        if (writer is null)
        {
            writer = _scratchWriter = new Utf8JsonWriter(buffer);
        }
        else
        {
            writer.Reset(buffer);
        }

        writer.WriteStartObject();
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("metadata") || (kind == EnvelopeKind.Event && property.NameEquals("seq")))
            {
                continue;
            }

            if (property.NameEquals("data") && redactor.Applies(property.Value))
            {
                writer.WritePropertyName("data"u8);
                redactor.WriteRedacted(writer, property.Value);
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        if (newId is not null)
        {
            writer.WriteString("id"u8, newId);
        }

        if (newTimestamp is { } filled)
        {
            writer.WriteNumber("timestamp"u8, filled);
        }

        writer.WriteStartObject("metadata"u8);
        if (metadata.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in metadata.EnumerateObject())
            {
                if (!property.NameEquals("sessionId") && !property.NameEquals("connectionId") && !property.NameEquals("source"))
                {
                    property.WriteTo(writer);
                }
            }
        }

        writer.WriteString("sessionId"u8, stamp.SessionId);
        writer.WriteString("connectionId"u8, stamp.ConnectionId);
        writer.WriteString("source"u8, stamp.Source);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();

        var payload = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > MaxRetainedScratchBytes)
        {
            // A rare large frame (up to maxMessageSize) does not pin its buffer to the thread.
            _scratch = null;
            _scratchWriter = null;
        }

        return payload;
    }
}
