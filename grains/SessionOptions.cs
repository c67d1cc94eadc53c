namespace RapidTriage.Grains;

/// <summary>
/// Session limits, bound from the <c>Relay</c> configuration section (keys in README "Configuration").
/// </summary>
public sealed class SessionOptions
{
    public const string SectionName = "Relay";

    /// <summary><c>Relay:CommandTimeout</c>: an unanswered <c>screenshot-request</c> times out after this.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Relay:MaxRosterSize</c>: connections one session admits.</summary>
    public int MaxRosterSize { get; set; } = 256;

    /// <summary><c>Relay:SessionIdleTimeout</c>: an idle session's grain releases its memory after this (storage keeps its state).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

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
    /// <c>Relay:History:FlushInterval</c>: the shortest time between two writes of one session's changed history
    /// to grain storage. A session with nothing new writes nothing and holds no timer. How long a changed session
    /// actually waits depends on how many are changed on its silo (<see cref="FlushBudget"/>), up to
    /// <see cref="MaxFlushInterval"/>. <see cref="TimeSpan.MaxValue"/>: only on deactivation (local mode).
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>Relay:History:FlushBudget</c>: history writes per second one silo aims at, across all its sessions. A
    /// changed session waits <c>changed sessions on the silo / FlushBudget</c> seconds between writes, no less
    /// than <see cref="FlushInterval"/> and no more than <see cref="MaxFlushInterval"/>; above
    /// <c>FlushBudget x MaxFlushInterval</c> changed sessions the silo writes more than the budget. Each write is a
    /// storage request, and its CPU (in the silo and in the store) competes with the traffic: 25 keeps a silo with
    /// 250 busy sessions at 25 writes/s, where 100 cost a 500-session cluster a third of a core (docs/performance.md).
    /// </summary>
    public int FlushBudget { get; set; } = 25;

    /// <summary>
    /// <c>Relay:History:MaxFlushInterval</c>: the longest a changed session waits to write its history, and so the
    /// most history (in time) a silo crash can lose. After such a crash the session takes a new epoch, so no client
    /// is told its recovery is exact when events may be missing.
    /// </summary>
    public TimeSpan MaxFlushInterval { get; set; } = TimeSpan.FromSeconds(10);

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
    /// <c>Relay:Cluster:ObserverExpiry</c>: the fallback for when the silo cannot tell whether a gateway is alive
    /// (<see cref="GatewayExpiry"/>): a gateway that has not renewed a session for this long is dead there, and
    /// its connections leave the roster (<c>member-left</c>). Checked only when the session runs anyway (a call, a
    /// flush, a command timeout), never by a timer of its own. Keep it at least three renew intervals
    /// (<c>Relay:Cluster:RenewInterval</c>, a gateway setting).
    /// </summary>
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// <c>Relay:Cluster:GatewayExpiry</c>: a gateway whose beats (every <c>Relay:Cluster:BeatInterval</c>, 1 s, a
    /// gateway setting) the cluster has not heard for this long is dead: each silo tells the sessions it holds with
    /// members on that gateway, and those members leave. Much sooner than <see cref="ObserverExpiry"/>.
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

    /// <summary>
    /// <c>Relay:Cluster:OutboxCallTimeout</c>: a call carrying frames to a gateway that has not returned after this
    /// long fails: its sessions close their receivers on that gateway with 4108 (they recover from history) and the
    /// next call goes out. A healthy gateway answers in milliseconds; the call only enqueues.
    /// </summary>
    public TimeSpan OutboxCallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
