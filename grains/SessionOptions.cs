namespace RapidTriage.Grains;

/// <summary>
/// Session limits, bound from the <c>Relay</c> configuration section (keys in README "Configuration").
/// </summary>
public sealed class SessionOptions
{
    /// <summary><c>Relay:CommandTimeout</c>: an unanswered <c>screenshot-request</c> times out after this.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Relay:MaxRosterSize</c>: connections one session admits.</summary>
    public int MaxRosterSize { get; set; } = 256;

    /// <summary><c>Relay:History:*</c>.</summary>
    public HistoryOptions History { get; set; } = new();

    /// <summary><c>Relay:Cluster:*</c>.</summary>
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary><c>Relay:PublishAck:*</c>.</summary>
    public PublishAckOptions PublishAck { get; set; } = new();
}

/// <summary>How long a session remembers the ids of <c>"ack": true</c> events, to recognize resends (docs/protocol.md section 3).</summary>
public sealed class PublishAckOptions
{
    /// <summary><c>Relay:PublishAck:RememberIds</c>: the newest this many acknowledged ids are always remembered.</summary>
    public int RememberIds { get; set; } = 10_000;

    /// <summary><c>Relay:PublishAck:RememberFor</c>: ids acknowledged more recently than this are remembered too.</summary>
    public TimeSpan RememberFor { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Bounds of a session's event history (docs/protocol.md section 5).</summary>
public sealed class HistoryOptions
{
    /// <summary><c>Relay:History:PerType</c>: events kept per type.</summary>
    public int PerType { get; set; } = 1000;

    /// <summary>
    /// <c>Relay:History:MaxTypes</c>: distinct event types one session holds. An event of a new type beyond it is
    /// refused (<c>error</c> <c>too-many-types</c>), so no client can make history lookups slow by inventing types.
    /// </summary>
    public int MaxTypes { get; set; } = 256;

    /// <summary><c>Relay:History:MaxBytes</c>: total payload bytes kept per session; oldest go first.</summary>
    public long MaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// <c>Relay:History:FlushInterval</c>: how often changed history is written to grain storage. A silo
    /// killed between flushes loses at most this much; the session then gets a new epoch.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>Relay:History:MaxSegments</c>: a flush writes only the events new since the last one (a segment);
    /// after this many segments the next flush writes the whole history instead (a snapshot) and deletes them.
    /// Loading a session reads the snapshot and at most this many segments. Zero: every flush writes a snapshot.
    /// </summary>
    public int MaxSegments { get; set; } = 30;

    /// <summary>
    /// <c>Relay:History:MaxSegmentBytesRatio</c>: the next flush also writes a snapshot once the segments hold
    /// more than this many times the bytes of the retained history (a busy session turns its history over fast).
    /// </summary>
    public double MaxSegmentBytesRatio { get; set; } = 4;
}

/// <summary>How gateways and sessions keep each other alive.</summary>
public sealed class ClusterOptions
{
    /// <summary>
    /// <c>Relay:Cluster:ObserverExpiry</c>: a gateway that has not renewed for this long is dead; its
    /// connections leave the roster (<c>member-left</c>). Keep it at least three renew intervals
    /// (<c>Relay:Cluster:RenewInterval</c>, a gateway setting).
    /// </summary>
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// <c>Relay:Cluster:GatewayExpiry</c>: a gateway whose beats (every <c>Relay:Cluster:BeatInterval</c>, 1 s, a
    /// gateway setting) the cluster has not heard for this long is dead, and its members leave every session at
    /// the session's next tick. Much sooner than <see cref="ObserverExpiry"/>, which stays as the fallback.
    /// </summary>
    public TimeSpan GatewayExpiry { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary><c>Relay:Cluster:PresencePoll</c>: how often each silo reads which gateways went quiet.</summary>
    public TimeSpan PresencePoll { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// <c>Relay:Cluster:GatewayQueueBytes</c>: bytes waiting for one gateway before the session gives up on
    /// it for now and tells it to close its receivers with 4108 (they recover from history).
    /// </summary>
    public long GatewayQueueBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// <c>Relay:Cluster:OutboxMaxBatchBytes</c>: each silo sends what its sessions queued for one gateway as one
    /// call, one call at a time; a call carries at most this many bytes (payloads and connection ids), and what is
    /// left goes in the next. A single session's batch larger than this goes alone. Must be positive.
    /// </summary>
    public long OutboxMaxBatchBytes { get; set; } = 256 * 1024;
}
