using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// What this silo's sessions have queued for one gateway. Every batch enqueued while a call is in flight goes,
/// from all sessions, into the next <see cref="ISessionObserver.DeliverMany"/> call (up to
/// <c>maxBatchBytes</c> a call), so a gateway holding many quiet sessions gets one call per round trip, not one
/// per event. One call is in flight at a time and the queue is first in, first out, so each session's frames
/// arrive in the order it enqueued them. Not a grain: sessions enqueue from their turns, and the calls run on
/// the thread pool, outside any grain.
/// </summary>
internal sealed partial class GatewayOutbox(
    string gatewayId, ISessionObserver observer, long maxBatchBytes, TimeSpan callTimeout, TimeProvider time, ILogger<GatewayOutbox> logger)
{
    private readonly Lock _gate = new();
    private readonly Queue<Entry> _queue = new();
    private bool _sending;
    private bool _closed;
    private long _lastActive = time.GetTimestamp();

    public string GatewayId => gatewayId;

    /// <summary>
    /// Queues <paramref name="batch"/>. <paramref name="delivered"/> completes once the call that carries it
    /// returned, or faults with that call's exception. False when the outbox was closed as idle: the caller takes
    /// a new one.
    /// </summary>
    public bool TryEnqueue(SessionBatch batch, [NotNullWhen(true)] out Task? delivered)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var entry = new Entry(batch, SizeOf(batch));
        bool start;
        lock (_gate)
        {
            if (_closed)
            {
                delivered = null;
                return false;
            }

            _queue.Enqueue(entry);
            _lastActive = time.GetTimestamp();
            start = !_sending;
            _sending = true;
        }

        if (start)
        {
            Start();
        }

        delivered = entry.Delivered.Task;
        return true;
    }

    /// <summary>
    /// Closes the outbox when nothing is queued or in flight and it has not been used for <paramref name="idleFor"/>;
    /// a closed outbox takes nothing more.
    /// </summary>
    public bool TryClose(TimeSpan idleFor)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return true;
            }

            if (_sending || _queue.Count > 0 || time.GetElapsedTime(_lastActive) < idleFor)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }

    /// <summary>What a batch counts against <c>maxBatchBytes</c>: payloads, connection ids and the session id.</summary>
    internal static long SizeOf(SessionBatch batch)
    {
        long bytes = batch.SessionId.Length;
        foreach (var delivery in batch.Deliveries)
        {
            bytes += delivery.Payload.Length;
            foreach (var target in delivery.Targets)
            {
                bytes += target.Length;
            }
        }

        return bytes;
    }

    private void Start()
    {
        // The calls belong to no session: they run on the thread pool (not on the scheduler of the grain that
        // happened to start them) and without its ambient context (request context, trace activity), which
        // would otherwise follow every call this loop makes.
        if (ExecutionContext.IsFlowSuppressed())
        {
            _ = Task.Run(SendAsync);
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(SendAsync);
        }
    }

    private async Task SendAsync()
    {
        while (true)
        {
            List<Entry> call;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _sending = false;
                    _lastActive = time.GetTimestamp();
                    return;
                }

                call = TakeCall();
            }

            var batches = ImmutableArray.CreateBuilder<SessionBatch>(call.Count);
            foreach (var entry in call)
            {
                batches.Add(entry.Batch);
            }

            try
            {
                // Resumes on the thread pool whichever thread completed the call. A call that does not come back in
                // time (a message routed through a silo that just died waits for Orleans' 30 s response timeout) fails
                // its batches, whose sessions close their receivers with 4108, and the next call goes out: one lost
                // message must not hold up every session's frames for this gateway.
                await observer.DeliverMany(batches.MoveToImmutable()).WaitAsync(callTimeout, time)
                    .ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                foreach (var entry in call)
                {
                    entry.Delivered.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                LogCallFailed(ex, gatewayId, call.Count);
                foreach (var entry in call)
                {
                    entry.Delivered.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>The oldest batches up to <c>maxBatchBytes</c> together; always at least one.</summary>
    private List<Entry> TakeCall()
    {
        var call = new List<Entry>();
        long bytes = 0;
        while (_queue.TryPeek(out var next) && (call.Count == 0 || bytes + next.Bytes <= maxBatchBytes))
        {
            call.Add(_queue.Dequeue());
            bytes += next.Bytes;
        }

        return call;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call to gateway {GatewayId} carrying {Count} session batches failed")]
    private partial void LogCallFailed(Exception ex, string gatewayId, int count);

    private sealed class Entry(SessionBatch batch, long bytes)
    {
        public SessionBatch Batch { get; } = batch;

        public long Bytes { get; } = bytes;

        // Continuations go to each session's own scheduler (its await captured it), never run inline here.
        public TaskCompletionSource Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
