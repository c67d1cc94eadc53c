using BenchmarkDotNet.Attributes;
using RapidTriage.Contracts;
using RapidTriage.Grains;

namespace RapidTriage.Benchmarks;

/// <summary>A session's history at its steady state: full (1000 per type), every add trims the oldest.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class HistoryBenchmarks
{
    private static readonly string[] Types = ["console-log", "console-error", "network-request", "network-error"];
    private SessionHistory _history = null!;
    private byte[] _payload = null!;
    private long _seq;

    [GlobalSetup]
    public void Setup()
    {
        _history = new SessionHistory(new HistoryOptions());
        _payload = WireJson.WithSeq(Frames.ConsoleLog, 1);
        for (_seq = 1; _seq <= 4000; _seq++)
        {
            _history.Add(new StoredEvent(_seq, Types[_seq % Types.Length], _payload));
        }
    }

    [Benchmark(Description = "Add (full ring: trims one)")]
    public void Add()
    {
        _seq++;
        _history.Add(new StoredEvent(_seq, "console-log", _payload));
    }

    [Benchmark(Description = "Query all types, last 100")]
    public int QueryRecent() => _history.Query([], _seq - 100, 100).Events.Length;

    [Benchmark(Description = "Query one type, first 100 of 1000")]
    public int QueryOneType() => _history.Query(["console-error"], 0, 100).Events.Length;
}
