using System.Buffers.Text;
using System.Diagnostics;

namespace RapidTriage.LoadGen;

/// <summary>
/// The console-log event the producer sends, padded to a fixed size. It carries the producer's
/// <see cref="Stopwatch"/> timestamp (<c>lt</c>) and a sequence number (<c>n</c>): producer and consumers
/// run in this one process, so they share the clock.
/// </summary>
internal sealed class Payload
{
    private static readonly byte[] Head = """{"type":"console-log","timestamp":"""u8.ToArray();
    private static readonly byte[] Data = ""","data":{"level":"log","lt":"""u8.ToArray();
    private static readonly byte[] Seq = ""","n":"""u8.ToArray();
    private static readonly byte[] Message = ",\"message\":\""u8.ToArray();
    private static readonly byte[] Tail = "\"}}"u8.ToArray();
    private static readonly byte[] Marker = "\"lt\":"u8.ToArray();
    private static readonly byte[] SeqMarker = "\"n\":"u8.ToArray();

    private readonly byte[] _buffer;

    public Payload(int size) => _buffer = new byte[Math.Max(size, 160)];

    /// <summary>Writes message <paramref name="n"/> stamped now; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Next(long n)
    {
        var span = _buffer.AsSpan();
        var at = Append(span, 0, Head);
        at += Format(span[at..], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        at = Append(span, at, Data);
        at += Format(span[at..], Stopwatch.GetTimestamp());
        at = Append(span, at, Seq);
        at += Format(span[at..], n);
        at = Append(span, at, Message);
        var pad = span.Length - at - Tail.Length;
        span.Slice(at, pad).Fill((byte)'x');
        at = Append(span, at + pad, Tail);
        return _buffer.AsMemory(0, at);
    }

    /// <summary>Reads the stamp and number of a frame this class wrote (as relayed: other fields may be added).</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out long sentAt, out long n)
    {
        sentAt = 0;
        n = 0;
        var at = frame.IndexOf(Marker);
        if (at < 0 || !Utf8Parser.TryParse(frame[(at + Marker.Length)..], out sentAt, out _))
        {
            return false;
        }

        var rest = frame[(at + Marker.Length)..];
        var seq = rest.IndexOf(SeqMarker);
        return seq >= 0 && Utf8Parser.TryParse(rest[(seq + SeqMarker.Length)..], out n, out _);
    }

    private static int Append(Span<byte> span, int at, byte[] bytes)
    {
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }

    private static int Format(Span<byte> span, long value)
    {
        Utf8Formatter.TryFormat(value, span, out var written);
        return written;
    }
}
