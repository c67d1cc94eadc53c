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
internal sealed class BrowserToolsDialect(int maxFrameBytes) : IWireDialect
{
    private static readonly byte[] HeartbeatResponse = """{"type":"heartbeat-response"}"""u8.ToArray();

    private volatile bool _envelopes;

    /// <summary>True once the client sent a <c>connection-init</c>: it speaks envelopes.</summary>
    public bool SpeaksEnvelopes => _envelopes;

    /// <summary>A screenshot arrives as one <c>screenshot-data</c> frame (a base64 data URL), often over 1 MiB.</summary>
    public int? MaxFrameBytes => _envelopes ? null : maxFrameBytes;

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
                    return Translated(LegacyFrames.ScreenshotResponse(root, success: true));
                case "screenshot-error":
                    return Translated(LegacyFrames.ScreenshotResponse(root, success: false));
                case "page-navigated" when !isEnvelope && LegacyFrames.HasUrl(root):
                case "current-url-response" when LegacyFrames.HasUrl(root):
                    return Translated(LegacyFrames.PageNavigated(root));
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

        var (type, id) = LegacyFrames.Peek(payload);
        return type switch
        {
            MessageTypes.ScreenshotRequest when id is not null => LegacyFrames.TakeScreenshot(id),

            // An envelope client that has not sent its connection-init yet needs its ack; the extension ignores it.
            MessageTypes.ConnectionAck => payload,
            _ => null,
        };
    }

    private static DialectInbound Translated(byte[]? envelope) =>
        new(envelope ?? ReadOnlyMemory<byte>.Empty, null);
}
