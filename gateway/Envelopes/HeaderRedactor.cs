using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Envelopes;

/// <summary>
/// Replaces credential header values in <c>data.headers.request</c> / <c>data.headers.response</c> with
/// <c>[REDACTED]</c> (contract section 6), while copying everything else as it came.
/// </summary>
internal sealed class HeaderRedactor(IOptions<RelayOptions> options)
{
    public const string Mask = "[REDACTED]";

    private readonly bool _enabled = options.Value.Redaction.Enabled;
    private readonly HashSet<string> _names = new(options.Value.Redaction.EffectiveHeaders, StringComparer.OrdinalIgnoreCase);
    private readonly string[] _fragments = [.. options.Value.Redaction.EffectiveNameFragments];

    /// <summary>True when <paramref name="data"/> has header maps this redactor would change.</summary>
    public bool Applies(JsonElement data) =>
        _enabled && data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object;

    public bool IsSensitive(string header)
    {
        if (_names.Contains(header))
        {
            return true;
        }

        foreach (var fragment in _fragments)
        {
            if (header.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes <paramref name="data"/> with sensitive header values masked.</summary>
    public void WriteRedacted(Utf8JsonWriter writer, JsonElement data)
    {
        writer.WriteStartObject();
        foreach (var property in data.EnumerateObject())
        {
            if (property.NameEquals("headers") && property.Value.ValueKind == JsonValueKind.Object)
            {
                writer.WritePropertyName(property.Name);
                WriteHeaderGroups(writer, property.Value);
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private void WriteHeaderGroups(Utf8JsonWriter writer, JsonElement headers)
    {
        writer.WriteStartObject();
        foreach (var group in headers.EnumerateObject())
        {
            if ((group.NameEquals("request") || group.NameEquals("response")) && group.Value.ValueKind == JsonValueKind.Object)
            {
                writer.WriteStartObject(group.Name);
                foreach (var header in group.Value.EnumerateObject())
                {
                    if (IsSensitive(header.Name))
                    {
                        writer.WriteString(header.Name, Mask);
                    }
                    else
                    {
                        header.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }
            else if (IsSensitive(group.Name))
            {
                // A flat header map (data.headers.Cookie) is masked too: same secret, other shape.
                writer.WriteString(group.Name, Mask);
            }
            else
            {
                group.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}
