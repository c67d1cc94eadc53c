using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Benchmarks;

/// <summary>Credential header redaction on its own: the name check and the rewrite of <c>data</c>.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RedactionBenchmarks
{
    private readonly CredentialRedactor _redactor = new(Options.Create(new RelayOptions()));
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private JsonDocument _document = null!;

    [GlobalSetup]
    public void Setup() => _document = JsonDocument.Parse(Frames.NetworkRequest);

    [GlobalCleanup]
    public void Cleanup() => _document.Dispose();

    [Benchmark(Description = "IsSensitive (miss: X-Request-Id)")]
    public bool IsSensitiveMiss() => _redactor.IsSensitive("X-Request-Id");

    [Benchmark(Description = "IsSensitive (hit: Authorization)")]
    public bool IsSensitiveHit() => _redactor.IsSensitive("Authorization");

    [Benchmark(Description = "WriteRedacted (network data, 7 headers)")]
    public int WriteRedacted()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        _redactor.WriteRedacted(writer, _document.RootElement.GetProperty("data"));
        writer.Flush();
        return _buffer.WrittenCount;
    }
}
