using BenchmarkDotNet.Attributes;
using RapidTriage.Contracts;

namespace RapidTriage.Benchmarks;

/// <summary>The session's per-event serialization: <c>seq</c> inserted into the stamped bytes once for every receiver.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class WireJsonBenchmarks
{
    [Benchmark(Description = "WithSeq (300 B payload)")]
    public byte[] WithSeq() => WireJson.WithSeq(Frames.ConsoleLog, 1_234_567);

    [Benchmark(Description = "NewId")]
    public string NewId() => WireJson.NewId();
}
