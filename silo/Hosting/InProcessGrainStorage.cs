using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// The embedded silo's grain storage: serialized states in a dictionary of this process, with ETags checked as a
/// real store checks them. A singleton outlives every grain, so a session's final write while the process stops
/// (Ctrl+C) still succeeds; Orleans' memory storage keeps states in grains of its own, which a stopping silo
/// deactivates alongside the sessions.
/// </summary>
internal sealed class InProcessGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), Stored> _states = new();
    private long _version;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Data);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Empty<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var next = new Stored(serializer.Serialize(grainState.State), NextETag());
        if (grainState.ETag is null)
        {
            if (!_states.TryAdd(key, next))
            {
                throw Conflict(stateName, grainId, grainState.ETag);
            }
        }
        else if (!_states.TryGetValue(key, out var current) || current.ETag != grainState.ETag || !_states.TryUpdate(key, next, current))
        {
            throw Conflict(stateName, grainId, grainState.ETag);
        }

        grainState.ETag = next.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        if (_states.TryGetValue(key, out var current))
        {
            if (grainState.ETag is not null && current.ETag != grainState.ETag)
            {
                throw Conflict(stateName, grainId, grainState.ETag);
            }

            _states.TryRemove(new KeyValuePair<(string, GrainId), Stored>(key, current));
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Empty<T>();
        return Task.CompletedTask;
    }

    /// <summary>A new <typeparamref name="T"/> where it has a parameterless constructor (as a grain's state does), else default.</summary>
    private static T Empty<T>() =>
        typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance<T>() : default!;

    private string NextETag() => Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture);

    private static InconsistentStateException Conflict(string stateName, GrainId grainId, string? etag) =>
        new($"State '{stateName}' of {grainId} changed since ETag '{etag ?? "none"}' was read.");

    private sealed record Stored(BinaryData Data, string ETag);
}
