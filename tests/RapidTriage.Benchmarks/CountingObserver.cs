using System.Collections.Immutable;
using RapidTriage.Contracts;

namespace RapidTriage.Benchmarks;

/// <summary>Stands in for a gateway: completes when the expected number of event deliveries has arrived.</summary>
internal sealed class CountingObserver : ISessionObserver
{
    private int _remaining;
    private TaskCompletionSource _done = new();

    public Task Expect(int targets)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, targets);
        return _done.Task;
    }

    public Task DeliverMany(ImmutableArray<SessionBatch> batches)
    {
        foreach (var delivery in batches.SelectMany(b => b.Deliveries))
        {
            if (delivery.Kind == DeliveryKind.Event && Interlocked.Add(ref _remaining, -delivery.Targets.Length) <= 0)
            {
                _done.TrySetResult();
            }
        }

        return Task.CompletedTask;
    }
}
