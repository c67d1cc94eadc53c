namespace RapidTriage.Gateway.Options;

/// <summary>Where the relay runs (docs/protocol.md section 1).</summary>
public enum RelayMode
{
    /// <summary>One developer's machine: loopback, embedded silo, local endpoints need no token.</summary>
    Local = 0,

    /// <summary>The cloud service: every endpoint needs a token; the gateway is an Orleans client.</summary>
    Hosted = 1,
}

/// <summary>The gateway's settings, bound from the <c>Relay</c> section (README "Configuration").</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Relay";

    public RelayMode Mode { get; set; } = RelayMode.Local;

    public string Urls { get; set; } = "http://127.0.0.1:3025";

    public string DefaultSessionId { get; set; } = "local";

    /// <summary>Names this gateway in rosters and to the sessions; unique per process when unset.</summary>
    public string? GatewayId { get; set; }

    public int MaxMessageSize { get; set; } = 1024 * 1024;

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxMessageAge { get; set; } = TimeSpan.FromMinutes(1);

    public RateLimitOptions RateLimit { get; set; } = new();

    public long SendQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a new connection's events wait for its <c>connection-init</c>, which may ask to recover
    /// from a <c>lastSeq</c>; replay must come before live events. Any other first message ends the wait.
    /// </summary>
    public TimeSpan InitGracePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a closing socket may take to finish its close handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On shutdown (SIGTERM) the open sockets are closed with 1012 evenly over this window, not all at once,
    /// so their clients reconnect to the other gateways gradually. The host's shutdown timeout is set above it.
    /// </summary>
    public TimeSpan DrainWindow { get; set; } = TimeSpan.FromSeconds(10);

    public Operations.OperationsOptions Operations { get; set; } = new();

    /// <summary>Origins allowed to open a socket; <c>*</c> in the host part is a wildcard. Unset: the defaults.</summary>
    /// <remarks>Null by default because the configuration binder appends to, not replaces, a pre-filled list.</remarks>
    public List<string>? AllowedOrigins { get; set; }

    public IReadOnlyList<string> EffectiveAllowedOrigins => AllowedOrigins ?? DefaultAllowedOrigins;

    public static IReadOnlyList<string> DefaultAllowedOrigins { get; } =
        ["chrome-extension://*", "moz-extension://*", "http://localhost:3025", "https://rapidtriage.me"];

    public AuthOptions Auth { get; set; } = new();

    public GatewayClusterOptions Cluster { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public RedactionOptions Redaction { get; set; } = new();

    public ApiOptions Api { get; set; } = new();

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    public LocalOptions Local { get; set; } = new();
}

public sealed class RateLimitOptions
{
    public double PermitsPerSecond { get; set; } = 100;

    public int Burst { get; set; } = 200;

    /// <summary>Inbound frame bytes per second per connection, beside the message rate.</summary>
    public double BytesPerSecond { get; set; } = 2 * 1024 * 1024;

    /// <summary>Inbound bytes a connection may send at once above <see cref="BytesPerSecond"/>.</summary>
    public long BurstBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>A connection still over its rate after this long is closed with 1008.</summary>
    public TimeSpan CloseAfter { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class AuthOptions
{
    /// <summary>HS256 key: UTF-8 text of at least 32 bytes, or <c>base64:</c> and the key bytes in base64. Mints tokens.</summary>
    public string? SigningKey { get; set; }

    /// <summary>More HS256 keys still accepted (same format), so a key can be rotated with no refused client.</summary>
    public List<string>? AdditionalSigningKeys { get; set; }

    /// <summary>RS256/ES256 public keys: PEM text, or <c>file:</c> and a path to a PEM file.</summary>
    public List<string>? PublicKeys { get; set; }

    /// <summary>An OpenID Connect authority whose metadata (<c>/.well-known/openid-configuration</c>) lists the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>Refuse plain-http authority metadata; turn off only for a loopback identity provider in development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public string? Issuer { get; set; } = "rapidtriage";

    public string? Audience { get; set; } = "rapidtriage-relay";

    /// <summary>Lifetime of the development token printed at start in local mode.</summary>
    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}

public sealed class RedactionOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Names whose values are replaced by <c>[REDACTED]</c> wherever they name a value (headers, query parameters,
    /// body fields), compared case-insensitively (ASCII). Unset: the defaults.
    /// </summary>
    public List<string>? Headers { get; set; }

    /// <summary>Any name containing one of these (case-insensitive, ASCII) is redacted too. Unset: the defaults.</summary>
    public List<string>? NameFragments { get; set; }

    public IReadOnlyList<string> EffectiveHeaders => Headers ?? DefaultHeaders;

    public IReadOnlyList<string> EffectiveNameFragments => NameFragments ?? DefaultNameFragments;

    public static IReadOnlyList<string> DefaultHeaders { get; } =
    [
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "Api-Key",
        "X-Auth-Token", "X-Access-Token", "X-Refresh-Token", "X-CSRF-Token", "X-XSRF-Token",
        "X-Amz-Security-Token", "X-Goog-Api-Key", "Ocp-Apim-Subscription-Key",
    ];

    /// <remarks>
    /// <c>api_key</c> is the common query spelling; <c>passwd</c> a common form field; <c>signature</c> covers signed
    /// URLs (<c>X-Amz-Signature</c>). <c>session</c> is left out on purpose: <c>sessionId</c>-like names are everywhere in
    /// captured data and rarely secret, and session cookies are redacted as cookies.
    /// </remarks>
    public static IReadOnlyList<string> DefaultNameFragments { get; } =
        ["token", "secret", "password", "passwd", "api-key", "api_key", "apikey", "credential", "signature"];
}

public sealed class GatewayClusterOptions
{
    /// <summary>
    /// The safety sweep: every session this gateway holds connections in is renewed once per interval, one after
    /// another spread evenly over it (never all at once). Renewals that matter happen anyway when needed: at once
    /// after a silo loss and when a session answers that a connection is not a member. A session expires a gateway
    /// that neither beats nor renews for <c>Relay:Cluster:ObserverExpiry</c> (keep it at least 3 times this).
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed class LimitOptions
{
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

/// <summary><c>Relay:Api:*</c>: what one client may ask of the HTTP API (<c>/api/sessions/…</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>Requests one client address may have in progress at once; more answer 429 at once. 0 means unlimited.</summary>
    public int MaxConcurrentRequestsPerAddress { get; set; } = 8;

    /// <summary>
    /// Event bytes in one <c>/events</c> page; a page that would be larger ends early with <c>hasMore</c>. A single
    /// event larger than this is still sent whole, so a page always moves forward.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>
/// <c>Relay:ForwardedHeaders:*</c>: which proxies (an ingress, a load balancer) may name the client in
/// <c>X-Forwarded-For</c>. Off while both lists are empty: the socket's peer is the client.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Proxy addresses trusted to set <c>X-Forwarded-For</c> (<c>10.0.0.4</c>).</summary>
    public List<string>? KnownProxies { get; set; }

    /// <summary>Proxy networks trusted to set <c>X-Forwarded-For</c>, in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).</summary>
    public List<string>? KnownNetworks { get; set; }

    /// <summary>How many proxies of the chain are read, from the nearest.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies is { Count: > 0 } || KnownNetworks is { Count: > 0 };
}

/// <summary><c>Relay:Local:*</c> limits of local mode's endpoints.</summary>
public sealed class LocalOptions
{
    /// <summary>
    /// Sessions that may have open connections on <c>/extension-ws</c> and <c>/mcp-ws</c> at once, chosen by
    /// <c>?sessionId=</c>; the default session is always allowed. 0 means unlimited.
    /// </summary>
    public int MaxSessions { get; set; } = 64;
}
