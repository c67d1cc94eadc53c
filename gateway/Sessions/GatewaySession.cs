using System.Collections.Immutable;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;

namespace RapidTriage.Gateway.Sessions;

/// <summary>
/// One session as this gateway holds it: its connections here, and its subscription's renewal. A renewal lists
/// those connections to the session grain (<see cref="ISessionGrain.Renew"/>); a session that lost its roster (its
/// silo died, its activation ended) rebuilds it from that, and connections it cannot continue are closed with 1012.
/// Renewals happen only when needed: after a silo loss, when a publish is answered NotMember, and as this
/// session's share of the slow safety sweep (<c>Relay:Cluster:RenewInterval</c>). Between them it costs nothing.
/// </summary>
internal sealed partial class GatewaySession(string sessionId, ISessionGrain grain, GatewaySessions owner)
{
    private readonly Lock _gate = new();
    private ImmutableArray<RelayConnection> _connections = [];
    private bool _retired;
    private TaskCompletionSource<bool>? _renewing;
    private int _renewalsStarted;
    private int _lastAnsweredRenewal;

    public string SessionId { get; } = sessionId;

    /// <summary>The session grain, one reference shared by every connection of the session.</summary>
    public ISessionGrain Grain { get; } = grain;

    /// <summary>This gateway's connections in the session (an immutable snapshot: one reference, read whole).</summary>
    public ImmutableArray<RelayConnection> Connections => _connections;

    /// <summary>
    /// How many renewals have started; a caller notes it before a call to the session and passes it to
    /// <see cref="RenewAsync(int)"/> when that call is answered NotMember.
    /// </summary>
    public int RenewalMark => Volatile.Read(ref _renewalsStarted);

    /// <summary>
    /// Puts this gateway's connections back into the session's roster, unless a renewal that started after
    /// <paramref name="mark"/> has already been answered (it listed them after the caller's call left). Every
    /// connection of the session that is answered NotMember at the same time shares one renewal. False when the
    /// session could not be reached.
    /// </summary>
    public Task<bool> RenewAsync(int mark)
    {
        TaskCompletionSource<bool> renewal;
        int number;
        lock (_gate)
        {
            if (_renewing is { } running)
            {
                return running.Task;
            }

            if (_lastAnsweredRenewal > mark)
            {
                return Task.FromResult(true);
            }

            renewal = _renewing = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            number = ++_renewalsStarted;
        }

        _ = RunRenewalAsync(renewal, number);
        return renewal.Task;
    }

    /// <summary>The sweep's renewal: joins one in progress, or starts one.</summary>
    public Task<bool> RenewAsync() => RenewAsync(RenewalMark);

    /// <summary>
    /// Renews again every <paramref name="retry"/> after an attempt that failed or was not answered within
    /// <paramref name="attempt"/>, until one is answered or <paramref name="until"/> has passed. After a silo is lost
    /// its sessions fail until the cluster declares it dead and they come back elsewhere with an empty roster.
    /// </summary>
    public async Task RenewUntilAnsweredAsync(TimeSpan retry, TimeSpan attempt, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // A call lost with the dead silo only fails at the response timeout: the next attempt does not wait for
        // it, so it is not the shared renewal (which would). One that waits for the session to activate
        // elsewhere is answered when that is done.
        while (!cancellationToken.IsCancellationRequested && !IsRetired)
        {
            if (await RenewOnceAsync(attempt) || owner.Time.GetUtcNow() + retry > until)
            {
                return;
            }

            await Task.Delay(retry, owner.Time, cancellationToken);
        }
    }

    /// <summary>Adds a connection; false when the session was just retired (its last connection left): use a new one.</summary>
    public bool TryAdd(RelayConnection connection)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _connections = _connections.Add(connection);
            return true;
        }
    }

    /// <summary>Removes a connection; true when it was the last one, and the session is retired.</summary>
    public bool Remove(RelayConnection connection)
    {
        lock (_gate)
        {
            var count = _connections.Length;
            _connections = _connections.Remove(connection);
            if (_connections.Length == count || !_connections.IsEmpty)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    private bool IsRetired
    {
        get
        {
            lock (_gate)
            {
                return _retired;
            }
        }
    }

    private async Task RunRenewalAsync(TaskCompletionSource<bool> renewal, int number)
    {
        var answered = false;
        try
        {
            answered = await RenewOnceAsync(owner.RenewWait);
        }
        finally
        {
            lock (_gate)
            {
                _renewing = null;
                if (answered)
                {
                    _lastAnsweredRenewal = Math.Max(_lastAnsweredRenewal, number);
                }
            }

            renewal.TrySetResult(answered);
        }
    }

    /// <summary>One <see cref="ISessionGrain.Renew"/> call; false when it failed or was not answered within <paramref name="wait"/>.</summary>
    private async Task<bool> RenewOnceAsync(TimeSpan wait)
    {
        var connections = Connections;
        var subscriptions = ImmutableArray.CreateBuilder<Subscription>(connections.Length);
        foreach (var connection in connections)
        {
            if (connection.Subscription is { } subscription)
            {
                subscriptions.Add(subscription);
            }
        }

        if (subscriptions.Count == 0)
        {
            return true;
        }

        try
        {
            // A call caught in a silo's death waits for the response timeout; the next renewal must not.
            var result = await Grain.Renew(owner.GatewayId, owner.Observer, subscriptions.DrainToImmutable()).WaitAsync(wait, owner.Time);
            foreach (var id in result.Stale)
            {
                foreach (var connection in connections)
                {
                    if (string.Equals(connection.ConnectionId, id, StringComparison.Ordinal))
                    {
                        LogStale(owner.Logger, SessionId, id, result.Epoch);
                        connection.RequestClose(CloseCodes.ServiceRestart, "session restarted; reconnect with lastSeq and epoch");
                    }
                }
            }

            return true;
        }
        catch (Exception ex)
        {
            LogRenewFailed(owner.Logger, ex, SessionId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the subscription to session {SessionId} failed; a later renewal retries")]
    private static partial void LogRenewFailed(ILogger logger, Exception ex, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} (now epoch {Epoch}) cannot continue {ConnectionId} without a gap: closing it with 1012")]
    private static partial void LogStale(ILogger logger, string sessionId, string connectionId, string epoch);
}
