using System.Collections.Immutable;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// A session's retained events: the newest <see cref="HistoryOptions.PerType"/> of each type, and no more
/// than <see cref="HistoryOptions.MaxBytes"/> in all (oldest dropped first).
/// </summary>
internal sealed class SessionHistory(HistoryOptions options)
{
    private readonly Dictionary<string, EventRing> _byType = new(StringComparer.Ordinal);

    public long Bytes { get; private set; }

    public int Count { get; private set; }

    /// <summary>Newest <c>seq</c> dropped by a bound; a recovery from before it cannot be exact.</summary>
    public long TrimmedThroughSeq { get; set; }

    public void Add(StoredEvent item)
    {
        if (!_byType.TryGetValue(item.Type, out var ring))
        {
            ring = new EventRing();
            _byType.Add(item.Type, ring);
        }

        ring.Add(item);
        Bytes += item.Payload.Length;
        Count++;

        if (ring.Count > options.PerType)
        {
            Trim(ring);
        }

        while (Bytes > options.MaxBytes && Count > 0)
        {
            Trim(OldestRing());
        }
    }

    public void Clear()
    {
        _byType.Clear();
        Bytes = 0;
        Count = 0;
    }

    /// <summary>Events matching the query, merged across types in <c>seq</c> order.</summary>
    public (ImmutableArray<StoredEvent> Events, bool HasMore) Query(IReadOnlyCollection<string> types, long afterSeq, int limit)
    {
        var cursors = new List<(EventRing Ring, int Index)>();
        foreach (var (type, ring) in _byType)
        {
            if (types.Count > 0 && !types.Contains(type))
            {
                continue;
            }

            var index = ring.FirstAfter(afterSeq);
            if (index < ring.Count)
            {
                cursors.Add((ring, index));
            }
        }

        var result = ImmutableArray.CreateBuilder<StoredEvent>();
        while (cursors.Count > 0)
        {
            var best = 0;
            for (var i = 1; i < cursors.Count; i++)
            {
                if (cursors[i].Ring[cursors[i].Index].Seq < cursors[best].Ring[cursors[best].Index].Seq)
                {
                    best = i;
                }
            }

            if (result.Count == limit)
            {
                return (result.ToImmutable(), true);
            }

            var (bestRing, bestIndex) = cursors[best];
            result.Add(bestRing[bestIndex]);
            if (bestIndex + 1 < bestRing.Count)
            {
                cursors[best] = (bestRing, bestIndex + 1);
            }
            else
            {
                cursors.RemoveAt(best);
            }
        }

        return (result.ToImmutable(), false);
    }

    /// <summary>
    /// The newest <paramref name="limit"/> events matching the query, in <c>seq</c> order: the same merge as
    /// <see cref="Query"/>, walked from the newest end of each type.
    /// </summary>
    public (ImmutableArray<StoredEvent> Events, bool HasMore) QueryNewest(IReadOnlyCollection<string> types, long afterSeq, int limit)
    {
        var cursors = new List<(EventRing Ring, int Index, int Floor)>();
        foreach (var (type, ring) in _byType)
        {
            if (types.Count > 0 && !types.Contains(type))
            {
                continue;
            }

            var floor = ring.FirstAfter(afterSeq);
            if (floor < ring.Count)
            {
                cursors.Add((ring, ring.Count - 1, floor));
            }
        }

        var result = new List<StoredEvent>();
        while (cursors.Count > 0)
        {
            var best = 0;
            for (var i = 1; i < cursors.Count; i++)
            {
                if (cursors[i].Ring[cursors[i].Index].Seq > cursors[best].Ring[cursors[best].Index].Seq)
                {
                    best = i;
                }
            }

            if (result.Count == limit)
            {
                result.Reverse();
                return ([.. result], true);
            }

            var (ring, index, floor) = cursors[best];
            result.Add(ring[index]);
            if (index > floor)
            {
                cursors[best] = (ring, index - 1, floor);
            }
            else
            {
                cursors.RemoveAt(best);
            }
        }

        result.Reverse();
        return ([.. result], false);
    }

    /// <summary>All retained events in <c>seq</c> order, for persistence.</summary>
    public List<StoredEvent> Snapshot()
    {
        var (events, _) = Query([], 0, int.MaxValue);
        return [.. events];
    }

    private void Trim(EventRing ring)
    {
        var dropped = ring.RemoveOldest();
        Bytes -= dropped.Payload.Length;
        Count--;
        TrimmedThroughSeq = Math.Max(TrimmedThroughSeq, dropped.Seq);
        if (ring.Count == 0)
        {
            _byType.Remove(dropped.Type);
        }
    }

    private EventRing OldestRing()
    {
        EventRing? oldest = null;
        foreach (var ring in _byType.Values)
        {
            if (oldest is null || ring.Oldest.Seq < oldest.Oldest.Seq)
            {
                oldest = ring;
            }
        }

        return oldest!;
    }
}
