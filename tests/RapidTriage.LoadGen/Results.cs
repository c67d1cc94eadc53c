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
    List<ConnectionsResult> Connections);

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
