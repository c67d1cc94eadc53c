using System.Collections.Concurrent;
using Orleans.Storage;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// Session storage for <see cref="ScaleFixture"/>: the in-memory provider, with every write and delete it was
/// asked for recorded (when, for which grain, under which record name), so tests can count storage operations.
/// </summary>
public sealed class CountingStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentQueue<(DateTime At, GrainId Grain, string Name)> _writes = new();

    /// <summary>Writes and deletes so far, oldest first.</summary>
    public IReadOnlyList<(DateTime At, GrainId Grain, string Name)> Writes => [.. _writes];

    /// <summary>Writes and deletes of one grain's records so far, oldest first.</summary>
    public IReadOnlyList<(DateTime At, string Name)> WritesOf(GrainId grain) =>
        [.. _writes.Where(w => w.Grain == grain).Select(w => (w.At, w.Name))];

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    /// <summary>When set and true for a write, the write fails (as a storage outage would) and is not recorded.</summary>
    public Func<string, GrainId, bool>? FailWrite { get; set; }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailWrite?.Invoke(stateName, grainId) == true)
        {
            throw new IOException($"Writing {stateName} of {grainId} failed (test outage).");
        }

        _writes.Enqueue((DateTime.UtcNow, grainId, stateName));
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _writes.Enqueue((DateTime.UtcNow, grainId, stateName));
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
