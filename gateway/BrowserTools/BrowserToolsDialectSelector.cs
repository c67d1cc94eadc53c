using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// Recognises a BrowserTools extension on <c>/extension-ws</c>: its socket comes from an extension page
/// (<c>Origin: chrome-extension://…</c> or <c>moz-extension://…</c>) and offers no subprotocol. It is treated as one
/// until it sends a <c>connection-init</c>, which only envelope clients send (see <see cref="BrowserToolsDialect"/>).
/// </summary>
internal sealed class BrowserToolsDialectSelector(IOptions<RelayOptions> relay, IOptions<BrowserToolsOptions> options) : IWireDialectSelector
{
    private readonly bool _active = relay.Value.Mode == RelayMode.Local && options.Value.Enabled;

    // screenshot-data carries the PNG as a base64 data URL: 4/3 of its bytes, plus the frame around it.
    private readonly int _maxFrameBytes = (int)Math.Min(int.MaxValue - 1, Math.Max(
        relay.Value.MaxMessageSize, (options.Value.MaxScreenshotBytes * 4 / 3) + (64 * 1024)));

    public IWireDialect? Select(HttpContext context, Handshake.Endpoint endpoint)
    {
        if (!_active || endpoint != Handshake.Endpoint.Extension || context.WebSockets.WebSocketRequestedProtocols.Count > 0)
        {
            return null;
        }

        var origin = context.Request.Headers.Origin.FirstOrDefault();
        return IsExtensionOrigin(origin) ? new BrowserToolsDialect(_maxFrameBytes) : null;
    }

    public static bool IsExtensionOrigin(string? origin) =>
        origin is not null
        && (origin.StartsWith("chrome-extension://", StringComparison.OrdinalIgnoreCase)
            || origin.StartsWith("moz-extension://", StringComparison.OrdinalIgnoreCase));
}
