using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// Cluster mode: when this gateway loses its connection to a silo (the Orleans client reports one gateway
/// fewer), every session it holds is renewed at once and retried until answered. Sessions of the lost silo
/// answer as soon as the cluster has declared it dead and they have come back elsewhere; their renewal then
/// rebuilds the roster there, so traffic flows again within failure detection plus one retry instead of
/// waiting for the session's turn in the renewal sweep (<c>Relay:Cluster:RenewInterval</c>).
/// </summary>
internal sealed partial class SiloLossWatcher(
    IServiceProvider services,
    TimeSpan retry,
    TimeSpan attempt,
    TimeSpan window,
    ILogger<SiloLossWatcher> logger) : IClusterConnectionStatusObserver, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private CancellationTokenSource? _sweep;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways >= previousNumberOfGateways)
        {
            return;
        }

        LogSiloLost(previousNumberOfGateways, currentNumberOfGateways);
        CancellationToken token;
        lock (_gate)
        {
            // A newer loss restarts the sweep: it must cover sessions that moved because of that one too.
            _sweep?.Cancel();
            _sweep = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            token = _sweep.Token;
        }

        _ = SweepAsync(token);
    }

    public void NotifyClusterConnectionLost()
    {
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task SweepAsync(CancellationToken token)
    {
        try
        {
            // Resolved late: the sessions need the cluster client, which creates this observer.
            var sessions = services.GetRequiredService<GatewaySessions>();
            await sessions.RenewAllUntilAnsweredAsync(retry, attempt, window, token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogSweepFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost a silo connection ({Previous} -> {Current} gateways): renewing every session until each answers")]
    private partial void LogSiloLost(int previous, int current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing sessions after a silo loss failed")]
    private partial void LogSweepFailed(Exception ex);
}
