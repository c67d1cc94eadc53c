namespace RapidTriage.LoadGen;

/// <summary>The shape of a suite run; <see cref="Quick"/> is a short version for trying the tool out.</summary>
internal sealed record SuiteSettings
{
    public IReadOnlyList<string> Scenarios { get; init; } = ["latency", "throughput", "sessions", "connections"];

    public IReadOnlyList<double> LatencyRates { get; init; } = [1000, 5000, 10000];

    public int Consumers { get; init; } = 3;

    public int Repeats { get; init; } = 2;

    public RunSettings Run { get; init; } = new(WarmupSeconds: 2, DurationSeconds: 8, MessageBytes: 300, DrainSeconds: 5, P99LimitMs: 50);

    public RunSettings ThroughputRun { get; init; } = new(WarmupSeconds: 1, DurationSeconds: 4, MessageBytes: 300, DrainSeconds: 2, P99LimitMs: 50);

    public double ThroughputStart { get; init; } = 2000;

    public double ThroughputMax { get; init; } = 512_000;

    public int ThroughputBisections { get; init; } = 3;

    public int Sessions { get; init; } = 1000;

    public int ConnectionsPerSession { get; init; } = 3;

    public IReadOnlyList<double> SessionRates { get; init; } = [1000, 2000, 4000, 8000, 16000, 32000, 64000];

    public int Connections { get; init; } = 10_000;

    public int IdleConnectionsPerSession { get; init; } = 4;

    public int ConnectConcurrency { get; init; } = 32;

    /// <summary>Session counts of the sessions x rate grid (each session: one producer, one consumer).</summary>
    public IReadOnlyList<int> GridSessions { get; init; } = [1, 100, 500];

    /// <summary>Aggregate rates of the sessions x rate grid.</summary>
    public IReadOnlyList<double> GridRates { get; init; } = [1000, 4000];

    public RunSettings GridRun { get; init; } = new(WarmupSeconds: 2, DurationSeconds: 10, MessageBytes: 300, DrainSeconds: 5, P99LimitMs: 50);

    /// <summary>Idle sessions (two connections each: a producer on the first gateway, a consumer on the second).</summary>
    public int IdleSessions { get; init; } = 2000;

    /// <summary>
    /// Least time after the idle sessions connected before the steady window starts. The settle then goes on until
    /// no relay process has spent time compiling code for <see cref="JitQuiet"/>, up to <see cref="IdleSettleMax"/>:
    /// a freshly started process keeps compiling (tier-1 recompilation of code its timers run) for minutes, and that
    /// is a start-up cost, not what idle sessions cost a service that runs for days.
    /// </summary>
    public TimeSpan IdleSettle { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The longest the idle settle waits for compilation to stop.</summary>
    public TimeSpan IdleSettleMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the relay processes together must spend no more than 20 ms compiling for the settle to end.</summary>
    public TimeSpan JitQuiet { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The steady window over which idle CPU and storage operations are measured.</summary>
    public TimeSpan IdleWindow { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Pause { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the idle connections stay open after they are measured (time to take a heap dump).</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.Zero;

    /// <summary>Divides every count and duration (sessions, connections, seconds) for a short run.</summary>
    public SuiteSettings Quick() => this with
    {
        Repeats = 1,
        Run = Run with { WarmupSeconds = 1, DurationSeconds = 3 },
        ThroughputRun = ThroughputRun with { DurationSeconds = 2 },
        ThroughputBisections = 1,
        Sessions = Math.Max(10, Sessions / 10),
        Connections = Math.Max(100, Connections / 10),
        Settle = TimeSpan.FromSeconds(1),
        GridSessions = [1, 10, 50],
        GridRun = GridRun with { WarmupSeconds = 1, DurationSeconds = 3 },
        IdleSessions = 200,
        IdleSettle = TimeSpan.FromSeconds(5),
        IdleSettleMax = TimeSpan.FromSeconds(60),
        JitQuiet = TimeSpan.FromSeconds(10),
        IdleWindow = TimeSpan.FromSeconds(15),
    };

    public Dictionary<string, string> Describe() => new(StringComparer.Ordinal)
    {
        ["latencyRates"] = string.Join(' ', LatencyRates),
        ["consumers"] = Consumers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["repeats"] = Repeats.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["run"] = Run.ToString(),
        ["throughputRun"] = ThroughputRun.ToString(),
        ["sessions"] = $"{Sessions} x {ConnectionsPerSession} connections",
        ["sessionRates"] = string.Join(' ', SessionRates),
        ["connections"] = $"{Connections} idle, {IdleConnectionsPerSession} per session",
        ["connectConcurrency"] = ConnectConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["grid"] = $"sessions {string.Join(' ', GridSessions)} x rates {string.Join(' ', GridRates)}, {GridRun}",
        ["idle"] = $"{IdleSessions} sessions x 2 connections, settle {IdleSettle.TotalSeconds:0} s and until compilation is quiet for {JitQuiet.TotalSeconds:0} s (at most {IdleSettleMax.TotalSeconds:0} s), window {IdleWindow.TotalSeconds:0} s",
    };
}
