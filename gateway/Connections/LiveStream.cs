using System.Runtime.CompilerServices;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// The byte stream under one upgraded WebSocket, as <see cref="SocketLiveness"/> watches it: it notes when bytes
/// last arrived (a frame, a pong, anything) and can put a ping frame between the WebSocket's own frames.
/// </summary>
/// <remarks>
/// The WebSocket above writes each frame with one <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// call, so a ping written under the same lock never lands inside another frame. A ping asked for while a write is
/// in progress goes out right after that write.
/// </remarks>
internal sealed class LiveStream(Stream inner, Action abort) : Stream
{
    /// <summary>A server-to-client ping frame with no payload: FIN and opcode 9, unmasked, length 0 (RFC 6455 5.5.2).</summary>
    private static readonly byte[] PingFrame = [0x89, 0x00];

    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _lastInbound = Environment.TickCount64;
    private int _pinged;
    private int _pingPending;

    /// <summary>Milliseconds of quiet, past the heartbeat interval, before this stream is pinged: its share of the spread.</summary>
    internal long PingDelay { get; init; }

    /// <summary>Where the owner keeps this stream; -1 once it is no longer watched.</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>Milliseconds (<see cref="Environment.TickCount64"/>) when bytes last arrived.</summary>
    internal long LastInbound => Volatile.Read(ref _lastInbound);

    /// <summary>Whether a ping went out since bytes last arrived.</summary>
    internal bool Pinged => Volatile.Read(ref _pinged) != 0;

    /// <summary>Aborts the connection (no close handshake): what a peer gets that stopped answering.</summary>
    internal void Abort() => abort();

    /// <summary>Sends a ping now, or right after the write in progress.</summary>
    internal void Ping()
    {
        Volatile.Write(ref _pinged, 1);
        if (!_writing.Wait(0, CancellationToken.None))
        {
            Volatile.Write(ref _pingPending, 1);

            // The write may have finished between the failed wait and the flag: try once more, so the flag is
            // not left for a write that may never come.
            if (!_writing.Wait(0, CancellationToken.None))
            {
                return;
            }
        }

        Volatile.Write(ref _pingPending, 0);
        _ = ObserveAsync(ReleaseAfter(WritePingLocked()));
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The zero-byte read an idle socket waits in brings no bytes: passed through as it is, it holds nothing of
        // this stream's while it waits. The read that follows it finds the bytes already there.
        if (buffer.IsEmpty)
        {
            return inner.ReadAsync(buffer, cancellationToken);
        }

        // A transport's ValueTask may be backed by a pooled source: its result is taken exactly once, here.
        var read = inner.ReadAsync(buffer, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            var bytes = read.Result;
            Arrived(bytes);
            return new ValueTask<int>(bytes);
        }

        return ReadPendingAsync(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Arrived(read);
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        return _writing.Wait(0, CancellationToken.None) ? WriteLocked(buffer, cancellationToken) : WriteWaitingAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _writing.Wait();
        try
        {
            inner.Write(buffer, offset, count);
        }
        finally
        {
            _writing.Release();
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    public override void Flush()
    {
        _writing.Wait();
        try
        {
            inner.Flush();
        }
        finally
        {
            _writing.Release();
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Disposed?.Invoke(this);
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Told when the stream is disposed (<see cref="Stream.DisposeAsync"/> comes here too), once or more.</summary>
    internal Action<LiveStream>? Disposed { get; set; }

    private void Arrived(int bytes)
    {
        if (bytes > 0)
        {
            Volatile.Write(ref _lastInbound, Environment.TickCount64);
            if (Volatile.Read(ref _pinged) != 0)
            {
                Volatile.Write(ref _pinged, 0);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadPendingAsync(ValueTask<int> read)
    {
        var bytes = await read.ConfigureAwait(false);
        Arrived(bytes);
        return bytes;
    }

    private async ValueTask WriteWaitingAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WriteLocked(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes with the write lock held, and releases it once the write is done.</summary>
    private ValueTask WriteLocked(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueTask write;
        try
        {
            write = inner.WriteAsync(buffer, cancellationToken);
        }
        catch
        {
            _writing.Release();
            throw;
        }

        return ReleaseAfter(write);
    }

    /// <summary>Releases the write lock once <paramref name="write"/> is done, writing a ping asked for meanwhile first.</summary>
    private ValueTask ReleaseAfter(ValueTask write)
    {
        if (!write.IsCompletedSuccessfully)
        {
            return ReleaseAfterPendingAsync(write);
        }

        // Completed: its result is still taken, which lets a pooled source behind it be reused.
        write.GetAwaiter().GetResult();
        if (Volatile.Read(ref _pingPending) != 0 && Interlocked.Exchange(ref _pingPending, 0) != 0)
        {
            return ReleaseAfter(WritePingLocked());
        }

        _writing.Release();
        return default;
    }

    private async ValueTask ReleaseAfterPendingAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            _writing.Release();
            throw;
        }

        await ReleaseAfter(default).ConfigureAwait(false);
    }

    /// <summary>A ping that fails is no news: the connection is gone, and its reads fail too.</summary>
    private static async Task ObserveAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Whatever the transport threw, the connection's own reads see it too and end it.
        }
    }

    private ValueTask WritePingLocked()
    {
        try
        {
            return inner.WriteAsync(PingFrame);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }
}
