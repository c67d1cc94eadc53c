using System.Buffers;
using System.Text.Json;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// Turns what the legacy HTTP API receives into events of the session, through <see cref="SessionCalls"/>: the same
/// validation, stamping and redaction as a socket's frames, so history and every member see them live.
/// </summary>
internal sealed class CaptureWriter(SessionCalls calls)
{
    /// <summary><c>metadata.connectionId</c> of events the HTTP API adds (no socket sends them).</summary>
    public const string CallerId = "http-browsertools";

    /// <summary><c>metadata.source</c> of those events.</summary>
    public const string Source = "browser-tools";

    /// <summary>Adds a <paramref name="type"/> event whose <c>data</c> object is written by <paramref name="writeData"/>.</summary>
    public Task<PostOutcome> PostAsync(string sessionId, string type, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteStartObject("data");
            writeData(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return calls.PostAsync(sessionId, CallerId, Source, buffer.WrittenMemory);
    }

    /// <summary>Adds a <paramref name="type"/> event whose <c>data</c> is the object <paramref name="data"/>, field for field.</summary>
    public Task<PostOutcome> PostAsync(string sessionId, string type, JsonElement data) =>
        PostAsync(sessionId, type, writer =>
        {
            foreach (var property in data.EnumerateObject())
            {
                property.WriteTo(writer);
            }
        });

    /// <summary>Empties the session's history (a <c>clear-logs</c>, which capture members also receive).</summary>
    public Task ClearAsync(string sessionId) =>
        calls.AskAsync(sessionId, CallerId, Source, "clear-logs", null, TimeSpan.Zero);
}
