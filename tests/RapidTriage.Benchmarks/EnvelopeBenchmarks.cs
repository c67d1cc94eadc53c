using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Benchmarks;

/// <summary>The gateway's per-frame work: validate, fill in id/timestamp, stamp metadata, redact.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EnvelopeBenchmarks
{
    private readonly EnvelopeParser _parser;
    private readonly StampContext _stamp = new("perf-session", "c_0123456789abcdef", "chrome-extension");

    public EnvelopeBenchmarks()
    {
        var options = Options.Create(new RelayOptions());
        _parser = new EnvelopeParser(options, new CredentialRedactor(options), TimeProvider.System);
    }

    [Benchmark(Baseline = true, Description = "parse+stamp console-log (300 B, no id)")]
    public byte[]? ConsoleLog() => Parse(Frames.ConsoleLog);

    [Benchmark(Description = "parse+stamp console-log (300 B, with id)")]
    public byte[]? ConsoleLogWithId() => Parse(Frames.ConsoleLogWithId);

    [Benchmark(Description = "parse+stamp+redact network-request")]
    public byte[]? NetworkRequest() => Parse(Frames.NetworkRequest);

    [Benchmark(Description = "peek id (rate-limited frame)")]
    public string? PeekId() => EnvelopeParser.PeekId(Frames.NetworkRequest);

    private byte[]? Parse(byte[] frame) =>
        _parser.TryParse(frame, _stamp, out var parsed, out _) ? parsed.Payload : throw new InvalidOperationException("refused");
}
