using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RapidTriage.Grains;

internal sealed partial class SessionGrain
{
    private GatewayPresence? _presence;

    /// <summary>Whether history is written periodically (local mode writes only on deactivation).</summary>
    private bool WritesBehind => _options.History.FlushInterval != TimeSpan.MaxValue;

    /// <summary>History changed: the next ticks write it.</summary>
    private void MarkDirty()
    {
        _dirty = true;
        if (WritesBehind)
        {
            ScheduleTicks();
        }
    }

    /// <summary>
    /// Starts the tick while the session has work that waits for time: history to write, commands to time out,
    /// gateways to expire. An idle session (none of those) has no timer at all.
    /// </summary>
    private void ScheduleTicks() =>
        _timer ??= this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions(_tick, _tick) { KeepAlive = false });

    private Task OnTickAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        ExpireGateways(now);
        TimeOutCommands(now);
        // At most once per FlushInterval (within half a tick: with the default 1 s interval that is every tick).
        if (_dirty && _flush.IsCompleted && now - _lastFlush + (_tick / 2) >= _options.History.FlushInterval)
        {
            // Not awaited: the write overlaps later turns instead of stalling the session for its length.
            _lastFlush = now;
            _flush = FlushAsync();
        }

        if ((!_dirty || !WritesBehind) && _flush.IsCompleted && _pending.Count == 0 && _gateways.Count == 0)
        {
            _timer?.Dispose();
            _timer = null;
        }

        return Task.CompletedTask;
    }

    private void ExpireGateways(DateTime now)
    {
        // Silent past ObserverExpiry, or known dead sooner by the silo's view of gateway beats.
        var presence = _presence ??= ServiceProvider.GetService<GatewayPresence>();
        foreach (var link in _gateways.Values.Where(l => now - l.LastRenewed > _options.Cluster.ObserverExpiry || presence?.IsGone(l.GatewayId) == true).ToList())
        {
            LogGatewayExpired(SessionId, link.GatewayId, link.Members.Count);
            _gateways.Remove(link.GatewayId);
            link.Removed = true;
            foreach (var id in link.Members.ToList())
            {
                Remove(_roster[id]);
                _expired.Add(id);
            }
        }
    }

    private async Task FlushAsync()
    {
        _dirty = false;
        var snapshot = _snapshotDue || _log.SnapshotDue(_history.Bytes);
        _snapshotDue = false;
        try
        {
            if (snapshot)
            {
                await WriteSnapshotAsync(open: true);
            }
            else
            {
                await _log.AppendAsync(_history, _lastSeq);
            }
        }
        catch (Exception ex)
        {
            _dirty = true;
            _snapshotDue |= snapshot;
            LogFlushFailed(ex, SessionId);
        }
    }

    /// <summary>Writes the whole history as the new snapshot, then deletes the segments it replaces.</summary>
    private async Task WriteSnapshotAsync(bool open)
    {
        var throughSeq = _lastSeq;
        storage.State = new SessionState
        {
            Epoch = _epoch,
            LastSeq = throughSeq,
            TrimmedThroughSeq = _history.TrimmedThroughSeq,
            ClearedThroughSeq = _clearedThroughSeq,
            Events = _history.Snapshot(),
            Open = open,
            FirstSegment = _log.Next,
        };
        await storage.WriteStateAsync();
        await _log.SnapshotWrittenAsync(throughSeq);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: gateway {GatewayId} stopped renewing; {Count} members leave")]
    private partial void LogGatewayExpired(string sessionId, string gatewayId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: writing state failed; will retry")]
    private partial void LogFlushFailed(Exception ex, string sessionId);
}
