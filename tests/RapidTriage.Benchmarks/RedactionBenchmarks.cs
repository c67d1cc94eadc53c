using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Benchmarks;

/// <summary>
/// Credential redaction on its own: the name check, the byte scan that lets most frames through untouched, and the
/// rewrite of a <c>data</c> that holds credentials.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RedactionBenchmarks
{
    private readonly CredentialRedactor _redactor = new(Options.Create(new RelayOptions()));
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private JsonDocument _network = null!;
    private JsonDocument _console = null!;

    [GlobalSetup]
    public void Setup()
    {
        _network = JsonDocument.Parse(Frames.NetworkRequest);
        _console = JsonDocument.Parse(Frames.ConsoleLog);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _network.Dispose();
        _console.Dispose();
    }

    [Benchmark(Description = "IsSensitive (miss: X-Request-Id)")]
    public bool IsSensitiveMiss() => _redactor.IsSensitive("X-Request-Id");

    [Benchmark(Description = "IsSensitive (hit: Authorization)")]
    public bool IsSensitiveHit() => _redactor.IsSensitive("Authorization");

    [Benchmark(Description = "Applies (console data, nothing to redact)")]
    public bool AppliesConsole() => _redactor.Applies(_console.RootElement.GetProperty("data"));

    [Benchmark(Description = "Applies (network data)")]
    public bool AppliesNetwork() => _redactor.Applies(_network.RootElement.GetProperty("data"));

    [Benchmark(Description = "WriteRedacted (network data, 7 headers)")]
    public int WriteRedacted()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        _redactor.WriteRedacted(writer, _network.RootElement.GetProperty("data"));
        writer.Flush();
        return _buffer.WrittenCount;
    }
}
