using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class DeliveryState
{
    /// <summary>Ends the hold: held messages go out, then the cursor catches up (caller holds the lock).</summary>
    private void ReleaseLocked()
    {
        _grace?.Dispose();
        _grace = null;
        if (_heldMessages is { } held)
        {
            _heldMessages = null;
            foreach (var item in held)
            {
                EnqueueLocked(item, MessageCeiling);
            }
        }

        _heldBytes = 0;
        if (_phase == DeliveryPhase.Closed)
        {
            return;
        }

        if (CaughtUpLocked())
        {
            _phase = DeliveryPhase.Live;
            return;
        }

        StartReplayLocked();
    }

    private void StartReplayLocked()
    {
        _phase = DeliveryPhase.Replaying;
        var generation = ++_generation;
        _stop ??= new CancellationTokenSource();
        _ = ReplayAsync(generation, _stop.Token);
    }

    /// <summary>
    /// Whether every event the connection is owed has been queued: the cursor is past what the session had stamped
    /// when last asked and past every event delivered while it was behind, and no rewind came after that ask.
    /// </summary>
    private bool CaughtUpLocked() => _rewindsRead == _rewinds && _cursor >= _sessionLastSeq && _cursor >= _newestSeen;

    /// <summary>Reads history pages from the cursor while the socket drains, until it has caught up; then live.</summary>
    private async Task ReplayAsync(int generation, CancellationToken stop)
    {
        // Off the caller's thread, which holds the lock (a timer, the fan-out, the publish loop).
        await Task.Yield();
        while (true)
        {
            Task? room = null;
            string epoch;
            long from;
            int rewinds;
            lock (_gate)
            {
                if (generation != _generation)
                {
                    return;
                }

                if (QueuedBytes > limits.LowWater)
                {
                    var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    Interlocked.Exchange(ref _room, waiter);

                    // TryTake may have drained the queue between the check and publishing the waiter.
                    if (QueuedBytes <= limits.LowWater)
                    {
                        waiter.TrySetResult();
                    }

                    room = waiter.Task;
                }

                epoch = _epoch;
                from = _cursor;
                rewinds = _rewinds;
            }

            if (room is not null)
            {
                await room;
                continue;
            }

            ReplayPage page;
            try
            {
                page = await owner.ReadReplayAsync(epoch, from, DeliveryLimits.PageEvents, limits.PageBytes, stop);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                owner.CloseForDelivery(CloseCodes.ServiceRestart, "session unavailable during replay; reconnect with lastSeq");
                return;
            }

            lock (_gate)
            {
                if (generation != _generation)
                {
                    return;
                }

                if (page.Gap is { } gap)
                {
                    _generation++;
                    owner.CloseForDelivery(gap == RecoveryReasons.HistoryTruncated ? CloseCodes.SlowConsumer : CloseCodes.ServiceRestart,
                        $"replay cannot complete ({gap}); reconnect with lastSeq");
                    return;
                }

                foreach (var item in page.Events)
                {
                    if (item.Seq > _cursor)
                    {
                        _cursor = item.Seq;
                        _lastQueuedSeq = item.Seq;
                        EnqueueLocked(new Outbound(item.Payload, item.Seq), bound: long.MaxValue);
                    }
                }

                _cursor = Math.Max(_cursor, page.ThroughSeq);
                _sessionLastSeq = Math.Max(_sessionLastSeq, page.LastSeq);
                _rewindsRead = rewinds;
                if (CaughtUpLocked())
                {
                    _phase = DeliveryPhase.Live;
                    return;
                }
            }
        }
    }
}
