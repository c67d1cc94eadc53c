using RapidTriage.Contracts;

namespace RapidTriage.Grains.Tests;

/// <summary>A grain that hands a batch to its silo's outbox as a session grain does.</summary>
public interface IOutboxProbeGrain : IGrainWithStringKey
{
    /// <summary>True when, after the outbox completed the hand-off, the grain resumed on its own scheduler.</summary>
    Task<bool> EnqueueAndCheckResume(string gatewayId, ISessionObserver observer);
}

internal sealed class OutboxProbeGrain(GatewayOutboxes outboxes) : Grain, IOutboxProbeGrain
{
    public async Task<bool> EnqueueAndCheckResume(string gatewayId, ISessionObserver observer)
    {
        var scheduler = TaskScheduler.Current;
        var batch = new SessionBatch(this.GetPrimaryKeyString(), [new Delivery(DeliveryKind.Event, 1, [1], ["probe"])]);
        await outboxes.EnqueueAsync(gatewayId, observer, batch);
        return scheduler != TaskScheduler.Default && ReferenceEquals(TaskScheduler.Current, scheduler);
    }
}
