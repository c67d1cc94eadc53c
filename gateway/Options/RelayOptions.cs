namespace RapidTriage.Gateway.Options;

/// <summary>The gateway's settings, bound from the <c>Relay</c> section (README "Configuration").</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Relay";

    public RelayMode Mode { get; set; } = RelayMode.Local;

    /// <summary>The default of <see cref="Urls"/>: local mode's loopback port.</summary>
    public const string DefaultUrls = "http://127.0.0.1:3025";

    /// <summary>Where the gateway listens; <c>ASPNETCORE_URLS</c> / <c>--urls</c> are used instead when this is left at its default.</summary>
    public string Urls { get; set; } = DefaultUrls;

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

public sealed class GatewayClusterOptions
{
    /// <summary>
    /// The safety sweep: every session this gateway holds connections in is renewed once per interval, one after
    /// another spread evenly over it (never all at once). Renewals that matter happen anyway when needed: at once
    /// after a silo loss and when a session answers that a connection is not a member. A session expires a gateway
    /// that neither beats nor renews for <c>Relay:Cluster:ObserverExpiry</c> (keep it at least 3 times this), and a
    /// gateway whose beats resume after a silence longer than <c>Relay:Cluster:GatewayExpiry</c> renews everything at
    /// once. Each renewal is a grain call, the largest part of what an idle session costs in silo CPU
    /// (docs/performance.md).
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromMinutes(5);
}
