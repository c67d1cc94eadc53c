using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using RapidTriage.Contracts;
using RapidTriage.Testing;

namespace RapidTriage.Grains.Tests;

/// <summary>Stands in for a gateway: records every delivery per target connection.</summary>
public sealed class RecordingObserver : ISessionObserver
{
    private readonly ConcurrentQueue<(string Target, Delivery Delivery)> _received = new();

    public Task DeliverMany(ImmutableArray<SessionBatch> batches)
    {
        foreach (var delivery in batches.SelectMany(b => b.Deliveries))
        {
            foreach (var target in delivery.Targets)
            {
                _received.Enqueue((target, delivery));
            }
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<Delivery> For(string connectionId) =>
        [.. _received.Where(r => r.Target == connectionId).Select(r => r.Delivery)];

    public IReadOnlyList<JsonObject> FramesFor(string connectionId) =>
        [.. For(connectionId).Where(d => d.Payload.Length > 0).Select(d => JsonNode.Parse(d.Payload)!.AsObject())];

    /// <summary>Polls until <paramref name="condition"/> holds or 10 s pass.</summary>
    public Task<bool> WaitAsync(Func<RecordingObserver, bool> condition, TimeSpan? wait = null) =>
        Eventually.LatestAsync(() => Task.FromResult(condition(this)), static held => held, wait ?? TimeSpan.FromSeconds(10));
}
