namespace RapidTriage.Gateway.Options;

/// <summary><c>Relay:Limits:*</c>: per-address and per-handshake limits of the WebSocket endpoints.</summary>
public sealed class LimitOptions
{
    public const string SectionName = "Relay:Limits";

    /// <summary>
    /// Open sockets one client address may hold on this gateway; over it the handshake answers 429. Unset:
    /// unlimited in local mode (every client is loopback), 100 in hosted mode. 0 means unlimited.
    /// </summary>
    public int? ConnectionsPerAddress { get; set; }

    /// <summary>
    /// Longest <c>clientType</c>, <c>version</c>, <c>tabId</c>, <c>userAgent</c> and capability name a
    /// <c>connection-init</c> may give (characters); a longer one is refused with <c>invalid-init</c>.
    /// </summary>
    public int MaxInitFieldLength { get; set; } = 512;

    /// <summary>Most capabilities a <c>connection-init</c> may declare; more is refused with <c>invalid-init</c>.</summary>
    public int MaxCapabilities { get; set; } = 32;

    /// <summary>A client that has not sent its whole upgrade request within this is dropped (slowloris).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int EffectiveConnectionsPerAddress(RelayMode mode) => ConnectionsPerAddress ?? (mode == RelayMode.Hosted ? 100 : 0);
}
