using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

internal sealed partial class SessionGrain
{
    /// <summary>
    /// Queues a frame for a gateway. The grain turn only appends; <see cref="PumpAsync"/> sends batches
    /// one call at a time, so a slow gateway delays only its own receivers and order is kept.
    /// </summary>
    private void Send(GatewayLink link, Delivery delivery)
    {
        if (link.Removed)
        {
            return;
        }

        link.Pending.Add(delivery);
        link.PendingBytes += delivery.Payload.Length;
        if (link.PendingBytes > _options.Cluster.GatewayQueueBytes)
        {
            Overflow(link);
        }

        if (!link.Pumping)
        {
            link.Pumping = true;
            _ = PumpAsync(link);
        }
    }

    /// <summary>
    /// The gateway fell too far behind (or a call to it failed): what is queued is dropped and its
    /// receivers are told to close with 4108, so each recovers from history instead of silently missing.
    /// </summary>
    private void Overflow(GatewayLink link)
    {
        link.Pending.Clear();
        link.PendingBytes = 0;
        var targets = link.TargetsExcept(null);
        if (targets.IsEmpty)
        {
            return;
        }

        link.Doom(targets);
        link.Pending.Add(new Delivery(DeliveryKind.Overflow, 0, [], targets));
        LogGatewayOverflow(SessionId, link.GatewayId, targets.Length);
    }

    private async Task PumpAsync(GatewayLink link)
    {
        try
        {
            while (link.Pending.Count > 0 && !link.Removed)
            {
                var batch = link.Pending.ToArray();
                link.Pending.Clear();
                link.PendingBytes = 0;
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    await outboxes.EnqueueAsync(link.GatewayId, link.Observer, new SessionBatch(SessionId, [.. batch]));
                    metrics.FannedOut(started);
                }
                catch (Exception ex)
                {
                    LogDeliverFailed(ex, SessionId, link.GatewayId);
                    if (link.Removed)
                    {
                        return;
                    }

                    // Frames may not have arrived; the gateway is asked to reset its receivers (if it is
                    // alive) after a pause. A dead gateway is found gone (or stops renewing) and is dropped instead.
                    Overflow(link);
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
        }
        finally
        {
            link.Pumping = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: gateway {GatewayId} fell behind; closing its {Count} receivers with 4108")]
    private partial void LogGatewayOverflow(string sessionId, string gatewayId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: delivery to gateway {GatewayId} failed")]
    private partial void LogDeliverFailed(Exception ex, string sessionId, string gatewayId);
}
