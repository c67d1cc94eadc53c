using System.Text.Encodings.Web;
using System.Text.Json;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Envelopes;

/// <summary>The frames a gateway answers with itself.</summary>
/// <remarks>
/// An error's message is text for a person: written with the relaxed encoder, so quotes read <c>\"</c> and an
/// apostrophe stays one, not <c>\u0022</c> and <c>\u0027</c>. Every receiver is a JSON parser, never an HTML page.
/// </remarks>
internal static class ServerFrames
{
    public static byte[] Error(string sessionId, FrameError error) =>
        WireJson.Envelope(MessageTypes.Error, null, sessionId, error, static (w, e) =>
        {
            w.WriteString("code", e.Code);
            w.WriteString("message", JsonEncodedText.Encode(e.Message, JavaScriptEncoder.UnsafeRelaxedJsonEscaping));
            if (e.RefId is null)
            {
                w.WriteNull("refId");
            }
            else
            {
                w.WriteString("refId", e.RefId);
            }
        });

    public static byte[] Ack(string sessionId, AckFields fields) =>
        WireJson.Envelope(MessageTypes.ConnectionAck, null, sessionId, (sessionId, fields), static (w, s) =>
        {
            var f = s.fields;
            w.WriteString("sessionId", s.sessionId);
            w.WriteString("connectionId", f.ConnectionId);
            w.WriteString("serverId", f.ServerId);
            w.WriteStartArray("supportedProtocols");
            w.WriteStringValue("rapidtriage-v1");
            w.WriteEndArray();
            w.WriteNumber("maxMessageSize", f.MaxMessageSize);
            w.WriteNumber("heartbeatInterval", f.HeartbeatIntervalMs);
            w.WriteString("epoch", f.Epoch);
            w.WriteNumber("lastSeq", f.LastSeq);
            if (f.Recovered is { } recovered)
            {
                w.WriteBoolean("recovered", recovered);
                if (f.Reason is not null)
                {
                    w.WriteString("reason", f.Reason);
                }
            }
        });

    public static byte[] Heartbeat(string sessionId, string? id, long uptimeMs, int connections) =>
        WireJson.Envelope(MessageTypes.Heartbeat, id, sessionId, (uptimeMs, connections), static (w, s) =>
        {
            w.WriteString("status", "alive");
            w.WriteNumber("uptime", s.uptimeMs);
            w.WriteNumber("connections", s.connections);
        });

    public static byte[] Simple(string type, string sessionId, string? id) =>
        WireJson.Envelope(type, id, sessionId, 0, static (_, _) => { });

    public static byte[] AuthRefreshAck(string sessionId, string? id, DateTimeOffset expiresAt) =>
        WireJson.Envelope(MessageTypes.AuthRefreshAck, id, sessionId, expiresAt, static (w, e) =>
            w.WriteNumber("expiresAt", e.ToUnixTimeMilliseconds()));

    public static byte[] History(string sessionId, string? id, HistoryPage page) =>
        WireJson.Envelope(MessageTypes.HistoryResponse, id, sessionId, page, WriteHistory);

    /// <summary>Writes a history page's fields; the events are the stored wire bytes, not re-encoded.</summary>
    public static void WriteHistory(Utf8JsonWriter writer, HistoryPage page)
    {
        writer.WriteStartArray("events");
        foreach (var item in page.Events)
        {
            writer.WriteRawValue(item.Payload, skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.WriteNumber("lastSeq", page.LastSeq);
        writer.WriteBoolean("hasMore", page.HasMore);
    }
}

/// <summary>The values of a <c>connection-ack</c> (docs/protocol.md sections 2 and 5).</summary>
internal sealed record AckFields(
    string ConnectionId, string ServerId, int MaxMessageSize, long HeartbeatIntervalMs, string Epoch, long LastSeq,
    bool? Recovered = null, string? Reason = null);
