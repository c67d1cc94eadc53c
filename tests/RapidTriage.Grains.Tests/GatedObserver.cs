using System.Collections.Concurrent;
using System.Collections.Immutable;
using RapidTriage.Contracts;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// Stands in for a gateway whose calls can be held open (<see cref="Hold"/>) or refused (<see cref="FailWhen"/>):
/// records every <see cref="DeliverMany"/> call as it arrives.
/// </summary>
public sealed class GatedObserver : ISessionObserver
{
    private readonly ConcurrentQueue<ImmutableArray<SessionBatch>> _calls = new();
    private TaskCompletionSource? _gate;
    private Func<ImmutableArray<SessionBatch>, bool>? _fail;

    public IReadOnlyList<ImmutableArray<SessionBatch>> Calls => [.. _calls];

    /// <summary>Calls arriving from now on wait until <see cref="Release"/>.</summary>
    public void Hold() => Volatile.Write(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

    /// <summary>Calls whose batches match <paramref name="fail"/> throw.</summary>
    public void FailWhen(Func<ImmutableArray<SessionBatch>, bool> fail) => _fail = fail;

    public async Task DeliverMany(ImmutableArray<SessionBatch> batches)
    {
        _calls.Enqueue(batches);
        if (Volatile.Read(ref _gate) is { } gate)
        {
            await gate.Task;
        }

        if (_fail?.Invoke(batches) == true)
        {
            throw new InvalidOperationException("refused by the test gateway");
        }
    }

    /// <summary>Polls until <paramref name="count"/> calls arrived; false after 10 s.</summary>
    public async Task<bool> WaitForCallsAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_calls.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return _calls.Count >= count;
    }
}
