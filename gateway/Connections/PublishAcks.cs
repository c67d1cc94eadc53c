using System.Text.Json;
using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// Publish acknowledgements (docs/protocol.md section 3): an envelope with <c>"ack": true</c> is answered with
/// <c>{"type":"publish-ack","id":…,"data":{"seq":n}}</c> once the session accepted it (or recognized a resend).
/// </summary>
internal static class PublishAcks
{
    /// <summary>Whether the envelope's top level says <c>"ack": true</c>.</summary>
    public static bool Requested(ReadOnlySpan<byte> payload)
    {
        // Most envelopes never mention it: a vectorized search settles them without parsing.
        if (payload.IndexOf("\"ack\""u8) < 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isAck = reader.ValueTextEquals("ack"u8);
            reader.Read();
            if (isAck)
            {
                return reader.TokenType == JsonTokenType.True;
            }

            reader.Skip();
        }

        return false;
    }

    public static byte[] Frame(string sessionId, string id, long seq) =>
        WireJson.Envelope(MessageTypes.PublishAck, id, sessionId, seq, static (w, s) => w.WriteNumber("seq", s));
}
