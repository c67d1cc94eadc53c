using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// Answers the legacy list endpoints from the session's history: each event's <c>data</c>, the newest
/// <c>logLimit</c> of each list, then as many of the newest as fit in <c>queryLimit</c> characters (the newest
/// entries are never the ones cut), in the order they arrived.
/// </summary>
internal sealed class CaptureReader(IGrainFactory grains, LegacySettingsStore settingsStore, IOptions<BrowserToolsOptions> options)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly ImmutableArray<string> NetworkTypes = ["network-request", "network-error"];

    public async Task<IResult> ListAsync(string sessionId, LegacyList list)
    {
        var settings = settingsStore.For(sessionId);
        var session = grains.GetGrain<ISessionGrain>(sessionId);
        List<(long Seq, byte[] Json)> entries = list switch
        {
            LegacyList.ConsoleLogs => await NewestAsync(session, ["console-log"], settings.LogLimit, settings),
            LegacyList.ConsoleErrors => await NewestAsync(session, ["console-error"], settings.LogLimit, settings),
            LegacyList.NetworkErrors => await NetworkAsync(session, settings, errors: true),
            LegacyList.NetworkSuccess => await NetworkAsync(session, settings, errors: false),
            _ => [.. (await NetworkAsync(session, settings, errors: true)).Concat(await NetworkAsync(session, settings, errors: false)).OrderBy(e => e.Seq)],
        };

        return Results.Bytes(WithinQueryLimit(entries, settings.QueryLimit), "application/json; charset=utf-8");
    }

    /// <summary>The newest event of one of <paramref name="types"/> whose <c>data</c> passes <paramref name="accept"/>, or null.</summary>
    public async Task<JsonElement?> NewestDataAsync(string sessionId, ImmutableArray<string> types, Func<JsonElement, bool> accept)
    {
        var page = await grains.GetGrain<ISessionGrain>(sessionId)
            .GetHistory(new HistoryQuery(types, 0, options.Value.MaxLogLimit, Newest: true));
        for (var i = page.Events.Length - 1; i >= 0; i--)
        {
            if (Data(page.Events[i].Payload) is { } data && accept(data))
            {
                return data;
            }
        }

        return null;
    }

    private static async Task<List<(long, byte[])>> NewestAsync(ISessionGrain session, ImmutableArray<string> types, int limit, LegacySettings settings)
    {
        var page = await session.GetHistory(new HistoryQuery(types, 0, limit, Newest: true));
        return [.. page.Events.Select(e => (e.Seq, Data(e.Payload))).Where(e => e.Item2 is not null).Select(e => (e.Seq, Entry(e.Item2!.Value, settings)))];
    }

    private async Task<List<(long Seq, byte[] Json)>> NetworkAsync(ISessionGrain session, LegacySettings settings, bool errors)
    {
        var page = await session.GetHistory(new HistoryQuery(NetworkTypes, 0, options.Value.MaxLogLimit * NetworkTypes.Length, Newest: true));
        var matching = new List<(long Seq, byte[] Json)>();
        foreach (var stored in page.Events)
        {
            if (Data(stored.Payload) is { } data && IsError(stored.Type, data) == errors)
            {
                matching.Add((stored.Seq, Entry(data, settings)));
            }
        }

        return matching.Count > settings.LogLimit ? matching[^settings.LogLimit..] : matching;
    }

    /// <summary>As browser-tools-server routes a network entry: <c>status &gt;= 400</c> (a numeric string counts too).</summary>
    private static bool IsError(string type, JsonElement data)
    {
        if (type == "network-error")
        {
            return true;
        }

        if (!data.TryGetProperty("status", out var status))
        {
            return false;
        }

        return status.ValueKind switch
        {
            JsonValueKind.Number => status.GetDouble() >= 400,
            JsonValueKind.String => double.TryParse(status.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 400,
            _ => false,
        };
    }

    private static JsonElement? Data(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data.Clone() : null;
    }

    /// <summary>One entry as the endpoint returns it: the event's <c>data</c>, headers left out unless the settings show them.</summary>
    private static byte[] Entry(JsonElement data, LegacySettings settings)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var property in data.EnumerateObject())
            {
                if ((!settings.ShowRequestHeaders && property.NameEquals("requestHeaders"))
                    || (!settings.ShowResponseHeaders && property.NameEquals("responseHeaders")))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A JSON array of the newest entries whose characters add up to at most <paramref name="queryLimit"/>.</summary>
    private static byte[] WithinQueryLimit(List<(long Seq, byte[] Json)> entries, int queryLimit)
    {
        var first = entries.Count;
        long size = 0;
        while (first > 0)
        {
            var length = System.Text.Encoding.UTF8.GetCharCount(entries[first - 1].Json);
            if (size + length > queryLimit)
            {
                break;
            }

            size += length;
            first--;
        }

        var output = new ArrayBufferWriter<byte>((int)Math.Min(size + 2 + entries.Count, int.MaxValue));
        output.Write("["u8);
        for (var i = first; i < entries.Count; i++)
        {
            if (i > first)
            {
                output.Write(","u8);
            }

            output.Write(entries[i].Json);
        }

        output.Write("]"u8);
        return output.WrittenSpan.ToArray();
    }
}
