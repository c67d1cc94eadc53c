using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Envelopes;

/// <summary>
/// Replaces credential values in an event's <c>data</c> with <c>[REDACTED]</c> (docs/protocol.md section 6) while the
/// parser writes the forwarded envelope, so the payload is never copied for it. Rules, for any depth of
/// <c>data</c> (the shapes of Chrome DevTools, HAR 1.2, BrowserTools and fetch/XHR wrappers all meet them):
/// <list type="bullet">
/// <item>a member whose name is sensitive (<see cref="CredentialNames"/>): every string or number inside its value
/// (header maps <c>{"Cookie":…}</c>, <c>Set-Cookie</c> arrays, JSON body fields, <c>credentials</c> objects);</item>
/// <item>an object with a sensitive string <c>name</c>: its <c>value</c> (header lists <c>[{"name","value"}]</c>,
/// HAR <c>queryString</c> and <c>postData.params</c>); in an array named <c>cookies</c> every <c>value</c>;</item>
/// <item>a two-element array <c>["Cookie", …]</c> whose first element is sensitive: the second;</item>
/// <item>every string: URLs, form text, <c>Name: value</c> lines (<see cref="TextRedactor"/>), and text that is
/// itself JSON (<c>requestBody</c>, <c>postData.text</c>) by these same rules.</item>
/// </list>
/// Names and structure are kept; only values change. Booleans and nulls carry no secret and stay.
/// </summary>
internal sealed class CredentialRedactor
{
    public const string Mask = TextRedactor.Mask;

    /// <summary>JSON inside a string inside a string…: past this, a string that may hold a credential is masked whole.</summary>
    private const int MaxEmbeddedJson = 3;

    private static readonly JsonDocumentOptions EmbeddedOptions = new() { MaxDepth = 64 };
    private static readonly JsonWriterOptions EmbeddedWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>RFC 9110 token characters, and ':' of HTTP/2 pseudo-headers: a two-string array is an entry only when its first is a name.</summary>
    private static readonly SearchValues<char> HeaderNameChars =
        SearchValues.Create("!#$%&'*+-.^_`|~:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly bool _enabled;
    private readonly CredentialNames _names;
    private readonly TextRedactor _text;

    public CredentialRedactor(IOptions<RelayOptions> options)
    {
        _enabled = options.Value.Redaction.Enabled;
        _names = new CredentialNames(options.Value.Redaction);
        _text = new TextRedactor(_names);
    }

    /// <summary>
    /// True when <paramref name="data"/> may hold something to redact. A byte scan of its raw JSON for the names and
    /// markers any redaction needs; false for most frames, which are then copied as they came.
    /// </summary>
    public bool Applies(JsonElement data) =>
        _enabled && data.ValueKind != JsonValueKind.Undefined && _names.MayHoldCredentials(JsonMarshal.GetRawUtf8Value(data));

    public bool IsSensitive(string name) => _names.IsSensitive(name);

    /// <summary>Writes <paramref name="data"/> with credential values masked.</summary>
    public void WriteRedacted(Utf8JsonWriter writer, JsonElement data) => WriteValue(writer, data, null, 0);

    private void WriteValue(Utf8JsonWriter writer, JsonElement value, string? name, int embedded)
    {
        var cookies = value.ValueKind == JsonValueKind.Array && name is not null && name.Equals("cookies", StringComparison.OrdinalIgnoreCase);
        if (!cookies && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String
            && !_names.MayHoldCredentials(JsonMarshal.GetRawUtf8Value(value)))
        {
            // The byte scan again, per subtree: what cannot hold a credential is copied as it came.
            value.WriteTo(writer);
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(writer, value, cookie: false, embedded);
                break;
            case JsonValueKind.Array when IsSensitiveEntry(value):
                writer.WriteStartArray();
                value[0].WriteTo(writer);
                WriteMasked(writer, value[1]);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        WriteObject(writer, item, cookies, embedded);
                    }
                    else
                    {
                        WriteValue(writer, item, null, embedded);
                    }
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                WriteString(writer, value, embedded);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private void WriteObject(Utf8JsonWriter writer, JsonElement value, bool cookie, int embedded)
    {
        var maskValue = cookie || HasSensitiveName(value);
        writer.WriteStartObject();
        foreach (var property in value.EnumerateObject())
        {
            var name = property.Name;
            writer.WritePropertyName(name);
            if ((maskValue && property.NameEquals("value"u8)) || _names.IsSensitive(name))
            {
                WriteMasked(writer, property.Value);
            }
            else
            {
                WriteValue(writer, property.Value, name, embedded);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>A <c>["Authorization", "…"]</c> entry, as <c>[...headers.entries()]</c> of a fetch <c>Headers</c> gives.</summary>
    private bool IsSensitiveEntry(JsonElement array)
    {
        if (array.GetArrayLength() != 2 || array[0].ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var name = array[0].GetString()!;
        return name.Length is > 0 and <= 256 && name.AsSpan().IndexOfAnyExcept(HeaderNameChars) < 0 && _names.IsSensitive(name);
    }

    /// <summary>A <c>{"name","value"}</c> item naming a credential; any repeated <c>name</c> counts, as readers differ on which wins.</summary>
    private bool HasSensitiveName(JsonElement item)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (property.NameEquals("name"u8) && property.Value.ValueKind == JsonValueKind.String && _names.IsSensitive(property.Value.GetString()))
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteMasked(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Number:
                writer.WriteStringValue(Mask);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteMasked(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteMasked(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private void WriteString(Utf8JsonWriter writer, JsonElement value, int embedded)
    {
        var text = value.GetString()!;
        var redacted = LooksLikeJson(text) ? RedactEmbeddedJson(text, embedded) : null;
        redacted ??= _text.Redact(text);
        if (redacted is null)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue(redacted);
        }
    }

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 1 && trimmed[0] is '{' or '[';
    }

    /// <summary>A body that is JSON text, rewritten by the same rules (compact); null when it cannot hold a credential or is not JSON.</summary>
    private string? RedactEmbeddedJson(string text, int embedded)
    {
        if (!_names.MayHoldCredentials(text))
        {
            return null;
        }

        if (embedded >= MaxEmbeddedJson)
        {
            return Mask;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, EmbeddedOptions);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var buffer = new ArrayBufferWriter<byte>(text.Length + 64);
            using (var writer = new Utf8JsonWriter(buffer, EmbeddedWriterOptions))
            {
                WriteValue(writer, document.RootElement, null, embedded + 1);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }
}
