using System.Diagnostics;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// Drains the gateway when the host stops (SIGTERM): from then on new upgrade requests answer 503 and
/// <c>/readyz</c> fails, and the open sockets are closed with 1012 one after another, evenly over
/// <c>Relay:DrainWindow</c>, so their clients reconnect to the other gateways in a trickle, not a stampede.
/// Kestrel's own shutdown waits for those sockets; <c>HostOptions.ShutdownTimeout</c> is set above the window.
/// </summary>
internal sealed partial class DrainCoordinator(
    ConnectionRegistry registry,
    IOptions<RelayOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<DrainCoordinator> logger) : IHostedService
{
    private static readonly TimeSpan StragglerPoll = TimeSpan.FromMilliseconds(50);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _draining;

    /// <summary>True from the moment the host began stopping.</summary>
    public bool IsDraining => _draining;

    /// <summary>Completes when every socket this gateway held at the start of the drain has closed (or timed out).</summary>
    public Task Drained => _drained.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(static state => ((DrainCoordinator)state!).Begin(), this);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _drained.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ended the wait; Kestrel aborts what is left.
        }
    }

    private void Begin()
    {
        if (_draining)
        {
            return;
        }

        _draining = true;
        _ = Task.Run(DrainAsync);
    }

    private async Task DrainAsync()
    {
        var relay = options.Value;
        var window = relay.DrainWindow;
        var clock = Stopwatch.StartNew();
        try
        {
            var connections = registry.All.ToArray();
            LogDrainStarted(connections.Length, window);
            for (var i = 0; i < connections.Length; i++)
            {
                var due = connections.Length == 1 ? TimeSpan.Zero : window * i / connections.Length;
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                connections[i].RequestClose(CloseCodes.ServiceRestart, "server draining; reconnect to any gateway");
            }

            // Sockets accepted while the drain began (their handshake was already past the 503 check) go now.
            var deadline = window + relay.CloseTimeout + relay.CloseTimeout;
            while (registry.Count > 0 && clock.Elapsed < deadline)
            {
                foreach (var late in registry.All)
                {
                    late.RequestClose(CloseCodes.ServiceRestart, "server draining; reconnect to any gateway");
                }

                await Task.Delay(StragglerPoll);
            }

            LogDrainFinished(connections.Length, registry.Count, clock.Elapsed);
        }
        catch (Exception ex)
        {
            LogDrainFailed(ex);
        }
        finally
        {
            _drained.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: closing {Count} connections with 1012 over {Window}")]
    private partial void LogDrainStarted(int count, TimeSpan window);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained {Count} connections in {Elapsed} ({Left} still open)")]
    private partial void LogDrainFinished(int count, int left, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drain failed")]
    private partial void LogDrainFailed(Exception ex);
}
