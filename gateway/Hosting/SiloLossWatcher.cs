using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// Cluster mode: when this gateway loses its connection to a silo (the Orleans client reports one gateway
/// fewer), every session it holds is renewed at once and retried until answered. Sessions of the lost silo
/// answer as soon as the cluster has declared it dead and they have come back elsewhere; their renewal then
/// rebuilds the roster there, so traffic flows again within failure detection plus one retry instead of
/// waiting for the session's turn in the renewal sweep (<c>Relay:Cluster:RenewInterval</c>). For the rest of
/// <c>Relay:Cluster:SiloLossWindow</c> after a silo is lost or joins, every session is renewed again
/// <see cref="FollowUpRounds"/> times, evenly: sessions may still drop this gateway for a while after the cluster
/// changed (its registry of gateways moving, a silo coming back), and a connection that only receives would
/// otherwise not be put back before its session's next turn in the sweep.
/// </summary>
internal sealed partial class SiloLossWatcher(
    IServiceProvider services,
    TimeSpan retry,
    TimeSpan attempt,
    TimeSpan window,
    ILogger<SiloLossWatcher> logger) : IClusterConnectionStatusObserver, IDisposable
{
    /// <summary>Renewal rounds after the first, spread over the window (every 5 s with the default 30 s).</summary>
    public const int FollowUpRounds = 6;

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private CancellationTokenSource? _sweep;
    private int _generation;
    private bool _running;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways == previousNumberOfGateways)
        {
            return;
        }

        var lost = currentNumberOfGateways < previousNumberOfGateways;
        CancellationToken token;
        int generation;
        lock (_gate)
        {
            if (!lost && _running)
            {
                // The sweep in progress renews every session for the rest of its window anyway.
                return;
            }

            // A newer loss restarts the sweep: it must cover sessions that moved because of that one too.
            _sweep?.Cancel();
            _sweep = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            token = _sweep.Token;
            generation = ++_generation;
            _running = true;
        }

        if (lost)
        {
            LogSiloLost(previousNumberOfGateways, currentNumberOfGateways);
        }
        else
        {
            LogSiloJoined(previousNumberOfGateways, currentNumberOfGateways);
        }

        _ = SweepAsync(lost, generation, token);
    }

    public void NotifyClusterConnectionLost()
    {
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task SweepAsync(bool lost, int generation, CancellationToken token)
    {
        try
        {
            // Resolved late: the sessions need the cluster client, which creates this observer.
            var sessions = services.GetRequiredService<GatewaySessions>();
            var time = sessions.Time;
            var until = time.GetUtcNow() + window;
            if (lost)
            {
                await sessions.RenewAllUntilAnsweredAsync(retry, attempt, window, token);
            }

            var round = window / FollowUpRounds;
            while (time.GetUtcNow() + round <= until)
            {
                await Task.Delay(round, time, token);
                await sessions.RenewAllAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogSweepFailed(ex);
        }
        finally
        {
            lock (_gate)
            {
                if (generation == _generation)
                {
                    _running = false;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost a silo connection ({Previous} -> {Current} gateways): renewing every session until each answers")]
    private partial void LogSiloLost(int previous, int current);

    [LoggerMessage(Level = LogLevel.Information, Message = "A silo joined ({Previous} -> {Current} gateways): renewing every session a few times more")]
    private partial void LogSiloJoined(int previous, int current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing sessions after a silo loss failed")]
    private partial void LogSweepFailed(Exception ex);
}
