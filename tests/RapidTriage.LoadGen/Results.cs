namespace RapidTriage.LoadGen;

/// <summary>Everything one suite run measured; written as JSON under <c>docs/perf-results/</c>.</summary>
internal sealed record SuiteResults(
    string Mode,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    Dictionary<string, string> Settings,
    List<RunResult> Latency,
    List<ThroughputResult> Throughput,
    List<SessionsResult> Sessions,
    List<ConnectionsResult> Connections,
    List<GridResult>? Grid = null,
    List<IdleResult>? Idle = null);

/// <summary>The machine the figures come from.</summary>
internal sealed record MachineInfo(int Cores, double MemoryGiB, string Cpu, string Os, string Runtime, string Note);

/// <summary>
/// One paced run: <paramref name="Sessions"/> sessions, each one producer and <paramref name="ConsumersPerSession"/>
/// consumers, <paramref name="OfferedRate"/> messages/s in all. Latency is producer send to consumer receive.
/// </summary>
internal sealed record RunResult(
    string Target,
    string Scenario,
    double OfferedRate,
    int Sessions,
    int ConsumersPerSession,
    double Seconds,
    long Sent,
    double AchievedRate,
    long ExpectedDeliveries,
    long Delivered,
    long Lost,
    int OutOfOrder,
    LatencySummary Latency,
    List<int> ServerCloses,
    int Errors,
    double? ServerCpuPercent,
    double? ServerCpuUsPerMessage,
    double? GeneratorCpuPercent,
    double? AllocatedBytesPerMessage,
    double ProducerMaxLagMs,
    bool Pass,
    double? LoadAverage = null);

/// <summary>The highest offered rate one session sustained while its p99 stayed under the limit.</summary>
internal sealed record ThroughputResult(string Target, double P99LimitMs, double MaxSustainedRate, List<RunResult> Steps);

/// <summary>Many sessions at once: how long they took to connect and how the aggregate rate fared.</summary>
internal sealed record SessionsResult(
    string Target,
    int Sessions,
    int ConnectionsPerSession,
    int Connected,
    double ConnectSeconds,
    double MaxSustainedRate,
    List<RunResult> Steps,
    double MaxDeliveredRate = 0);

/// <summary>Idle connections on one gateway: time to open them and the memory each costs the server.</summary>
internal sealed record ConnectionsResult(
    string Target,
    int Requested,
    int Opened,
    int Failed,
    int ConnectionsPerSession,
    double OpenSeconds,
    double OpensPerSecond,
    long? RssBeforeBytes,
    long? RssAfterBytes,
    double? RssBytesPerConnection,
    double? HeapBeforeMb,
    double? HeapAfterMb,
    double? HeapBytesPerConnection,
    double CloseSeconds,
    long? RssAfterCloseBytes);

/// <summary>
/// Storage operations counted on the silos over a window: all of them and the writes (every method but GET and
/// HEAD) per second, all of them per message sent (when messages were sent), and per second by "kind method".
/// </summary>
internal sealed record StorageRates(double OpsPerSecond, double WritesPerSecond, double? OpsPerMessage, Dictionary<string, double> ByKindMethod);

/// <summary>
/// One cell of the sessions x rate grid: <paramref name="Sessions"/> sessions of one producer (first gateway) and one
/// consumer (second gateway), <paramref name="OfferedRate"/> messages/s in all. CPU per message split by role when the
/// target names its processes' roles (sum over the gateways, sum over the silos).
/// </summary>
internal sealed record GridResult(
    string Target,
    int Sessions,
    double OfferedRate,
    RunResult Run,
    double? GatewayCpuUsPerMessage,
    double? SiloCpuUsPerMessage,
    StorageRates? Storage);

/// <summary>
/// Idle sessions: connected, left alone for a settle time, then watched for a steady window. CPU is a percentage of
/// one core over the window (all processes, and per role); memory is after a full GC with the sessions open minus
/// before they connected: the silos' per session, the gateways' per connection.
/// </summary>
internal sealed record IdleResult(
    string Target,
    int Sessions,
    int ConnectionsPerSession,
    int Connected,
    double ConnectSeconds,
    double SettleSeconds,
    double WindowSeconds,
    double? CpuPercent,
    double? GatewayCpuPercent,
    double? SiloCpuPercent,
    StorageRates? Storage,
    double? SiloHeapBytesPerSession,
    double? SiloRssBytesPerSession,
    double? GatewayHeapBytesPerConnection,
    double? GatewayRssBytesPerConnection,
    int ClosedByServer,
    double? LoadAverage,
    double? SettleCpuPercent = null,
    double? JitMillisecondsInWindow = null,
    double? CpuPercentWithCounters = null);
