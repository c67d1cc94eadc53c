using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace RapidTriage.Contracts;

/// <summary>Builds the JSON frames the relay itself sends, so gateways and sessions write them one way.</summary>
public static class WireJson
{
    /// <summary>The <c>metadata.source</c> of frames the relay makes.</summary>
    public const string RelaySource = "relay";

    private static readonly long IdPrefix = Random.Shared.NextInt64(1L << 40);
    private static long _idCounter;

    /// <summary>Writes a server envelope: <c>type</c>, <c>id</c>, <c>timestamp</c>, <c>data</c>, <c>metadata</c>.</summary>
    public static byte[] Envelope<TState>(string type, string? id, string sessionId, TState state, Action<Utf8JsonWriter, TState> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("id", id ?? NewId());
            writer.WriteNumber("timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            writer.WritePropertyName("data");
            writer.WriteStartObject();
            writeData(writer, state);
            writer.WriteEndObject();
            writer.WriteStartObject("metadata");
            writer.WriteString("sessionId", sessionId);
            writer.WriteString("source", RelaySource);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a roster entry's fields (docs/protocol.md section 2) into the current object.</summary>
    public static void WriteMemberFields(Utf8JsonWriter writer, MemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(member);
        writer.WriteString("connectionId", member.ConnectionId);
        writer.WriteString("role", RoleName(member.Role));
        if (member.ClientType is null)
        {
            writer.WriteNull("clientType");
        }
        else
        {
            writer.WriteString("clientType", member.ClientType);
        }

        writer.WriteStartArray("capabilities");
        foreach (var capability in member.Capabilities.IsDefault ? [] : member.Capabilities)
        {
            writer.WriteStringValue(capability);
        }

        writer.WriteEndArray();
        WriteOptional(writer, "tabId", member.TabId);
        WriteOptional(writer, "userAgent", member.UserAgent);
        WriteOptional(writer, "version", member.Version);
        writer.WriteString("gateway", member.GatewayId);
        writer.WriteNumber("connectedAt", member.ConnectedAt);
        writer.WriteNumber("lastSeen", member.LastSeen);
    }

    /// <summary>Returns <paramref name="payload"/> (a JSON object) with <c>"seq":n</c> as its first member.</summary>
    public static byte[] WithSeq(ReadOnlySpan<byte> payload, long seq)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(seq, digits, out var digitCount);
        ReadOnlySpan<byte> prefix = "{\"seq\":"u8;
        var hasMembers = payload.Length > 2;
        var result = new byte[prefix.Length + digitCount + (hasMembers ? 1 : 0) + payload.Length - 1];
        prefix.CopyTo(result);
        digits[..digitCount].CopyTo(result.AsSpan(prefix.Length));
        var at = prefix.Length + digitCount;
        if (hasMembers)
        {
            result[at++] = (byte)',';
        }

        payload[1..].CopyTo(result.AsSpan(at));
        return result;
    }

    /// <summary>
    /// Returns <paramref name="payload"/> (a JSON object) with its top-level <c>id</c> set to <paramref name="id"/>:
    /// the value replaced in place when there is one, else added first. Every other byte stays as it was.
    /// </summary>
    public static byte[] WithId(ReadOnlySpan<byte> payload, string id)
    {
        var encoded = JsonEncodedText.Encode(id);
        var value = new byte[encoded.EncodedUtf8Bytes.Length + 2];
        value[0] = value[^1] = (byte)'"';
        encoded.EncodedUtf8Bytes.CopyTo(value.AsSpan(1));

        var reader = new Utf8JsonReader(payload);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    var start = (int)reader.TokenStartIndex;
                    var end = (int)reader.BytesConsumed;
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        end = (int)reader.BytesConsumed;
                    }

                    return [.. payload[..start], .. value, .. payload[end..]];
                }

                reader.Skip();
            }
        }

        ReadOnlySpan<byte> name = "\"id\":"u8;
        var hasMembers = payload.Length > 2;
        return [.. payload[..1], .. name, .. value, .. (hasMembers ? ","u8 : ""u8), .. payload[1..]];
    }

    /// <summary>The wire name of a role.</summary>
    public static string RoleName(ConnectionRole role) => role switch
    {
        ConnectionRole.Extension => "extension",
        ConnectionRole.Mcp => "mcp",
        _ => "tunnel",
    };

    /// <summary>
    /// A short unique id for frames the relay makes: <c>rt_</c> and 20 hex digits, a random per-process
    /// prefix (40 bits) and a counter (40 bits).
    /// </summary>
    /// <remarks>
    /// Not a new <see cref="Guid"/> per id: that costs a system call for random bytes (about 2 µs here),
    /// and gateways name every event a client sends without an id.
    /// </remarks>
    public static string NewId() => string.Create(23, Interlocked.Increment(ref _idCounter), static (chars, counter) =>
    {
        "rt_".CopyTo(chars);
        IdPrefix.TryFormat(chars[3..], out _, "x10", CultureInfo.InvariantCulture);
        (counter & 0xFF_FFFF_FFFF).TryFormat(chars[13..], out _, "x10", CultureInfo.InvariantCulture);
    });

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
