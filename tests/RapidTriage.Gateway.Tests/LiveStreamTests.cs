using System.Threading.Tasks.Sources;
using RapidTriage.Gateway.Connections;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>The watched transport under a WebSocket: pings go between whole frames, and arriving bytes are noted.</summary>
public sealed class LiveStreamTests
{
    private static readonly byte[] Ping = [0x89, 0x00];

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task PingDuringAWrite_GoesOutAfterThatWrite_NeverInsideIt()
    {
        var transport = new GatedStream();
        await using var stream = new LiveStream(transport, () => { });
        var frame = new byte[] { 0x81, 0x03, (byte)'a', (byte)'b', (byte)'c' };

        var write = stream.WriteAsync(frame).AsTask();
        Assert.False(write.IsCompleted);
        stream.Ping();
        Assert.Empty(transport.Written);

        transport.Open();
        await write;
        Assert.Equal([frame, Ping], transport.Written);
        Assert.True(stream.Pinged);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task WriteDuringAPing_WaitsForThePing()
    {
        var transport = new GatedStream();
        await using var stream = new LiveStream(transport, () => { });
        var frame = new byte[] { 0x82, 0x01, 0x07 };

        stream.Ping();
        var write = stream.WriteAsync(frame).AsTask();
        Assert.False(write.IsCompleted);

        transport.Open();
        await write;
        Assert.Equal([Ping, frame], transport.Written);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task BytesArriving_EndThePingAndMoveLastInbound()
    {
        var transport = new GatedStream { Readable = [1, 2, 3] };
        transport.Open();
        await using var stream = new LiveStream(transport, () => { });
        var opened = stream.LastInbound;
        stream.Ping();
        Assert.True(stream.Pinged);

        await Task.Delay(50);
        Assert.Equal(3, await stream.ReadAsync(new byte[8]));
        Assert.False(stream.Pinged);
        Assert.True(stream.LastInbound > opened);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task CompletedReadsAndWrites_HaveTheirResultTakenExactlyOnce()
    {
        // Kestrel's streams may answer with ValueTasks over pooled sources, which allow one GetResult per operation.
        var transport = new PooledStream();
        await using var stream = new LiveStream(transport, () => { });

        Assert.Equal(4, await stream.ReadAsync(new byte[4]));
        Assert.Equal(1, transport.Source.Taken);

        await stream.WriteAsync(new byte[] { 0x81, 0x00 });
        Assert.Equal(2, transport.Source.Taken);

        stream.Ping();
        Assert.Equal(3, transport.Source.Taken);
    }

    /// <summary>Answers every read and write with an already completed ValueTask over one reusable source.</summary>
    private sealed class PooledStream : GatedStream
    {
        public OnceSource Source { get; } = new();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Source, Source.Complete(buffer.Length));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Source, Source.Complete(0));
    }

    /// <summary>A source that, like a pooled one, must be read once per operation before it is used again.</summary>
    private sealed class OnceSource : IValueTaskSource<int>, IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<int> _core;
        private bool _taken = true;

        public int Taken { get; private set; }

        public short Complete(int result)
        {
            Assert.True(_taken, "the previous operation's result was never taken");
            _taken = false;
            _core.Reset();
            _core.SetResult(result);
            return _core.Version;
        }

        public int GetResult(short token)
        {
            Assert.False(_taken, "an operation's result was taken twice");
            _taken = true;
            Taken++;
            return _core.GetResult(token);
        }

        void IValueTaskSource.GetResult(short token) => GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>A transport whose writes complete only once <see cref="Open"/> is called; it records each write whole.</summary>
    private class GatedStream : Stream
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<byte[]> Written { get; } = [];

        public byte[] Readable { get; set; } = [];

        public void Open() => _open.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var copy = buffer.ToArray();
            await _open.Task.WaitAsync(cancellationToken);
            lock (Written)
            {
                Written.Add(copy);
            }
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, Readable.Length);
            Readable.AsSpan(0, count).CopyTo(buffer.Span);
            Readable = Readable[count..];
            return ValueTask.FromResult(count);
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
