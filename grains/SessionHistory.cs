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

    /// <summary>
    /// The string instance history holds for <paramref name="type"/> (or <paramref name="type"/> itself when none is
    /// held yet): every event of a type shares one, instead of one copy per deserialized envelope.
    /// </summary>
    public string TypeName(string type) => _byType.TryGetValue(type, out var ring) ? ring.Type : type;

    public void Add(StoredEvent item)
    {
        if (!_byType.TryGetValue(item.Type, out var ring))
        {
            ring = new EventRing(item.Type);
            _byType.Add(item.Type, ring);
        }
        else if (!ReferenceEquals(item.Type, ring.Type))
        {
            item = item with { Type = ring.Type };
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

    /// <summary>
    /// True when an event of <paramref name="type"/> may be added: its type is held already, or fewer than
    /// <see cref="HistoryOptions.MaxTypes"/> types are. The cap keeps every lookup's merge across types small.
    /// </summary>
    public bool Accepts(string type) => _byType.ContainsKey(type) || _byType.Count < options.MaxTypes;

    /// <summary>Events matching the query, merged across types in <c>seq</c> order.</summary>
    public (ImmutableArray<StoredEvent> Events, bool HasMore) Query(IReadOnlyCollection<string> types, long afterSeq, int limit)
    {
        var result = ImmutableArray.CreateBuilder<StoredEvent>();
        foreach (var item in Ascending(types, afterSeq))
        {
            if (result.Count == limit)
            {
                return (result.ToImmutable(), true);
            }

            result.Add(item);
        }

        return (result.ToImmutable(), false);
    }

    /// <summary>
    /// The next page of a replay cursor standing at <paramref name="afterSeq"/>: events not sent by
    /// <paramref name="exclude"/>, at most <paramref name="maxEvents"/> and <paramref name="maxBytes"/> (one at least),
    /// and the <c>seq</c> through which the page covers history (the newest <c>seq</c> when nothing was left out).
    /// </summary>
    public (ImmutableArray<StoredEvent> Events, long ThroughSeq) Page(long afterSeq, string? exclude, int maxEvents, long maxBytes, long lastSeq)
    {
        var result = ImmutableArray.CreateBuilder<StoredEvent>();
        long bytes = 0;
        foreach (var item in Ascending([], afterSeq))
        {
            if (string.Equals(item.Sender, exclude, StringComparison.Ordinal))
            {
                continue;
            }

            if (result.Count >= maxEvents || (result.Count > 0 && bytes + item.Payload.Length > maxBytes))
            {
                return (result.ToImmutable(), item.Seq - 1);
            }

            result.Add(item);
            bytes += item.Payload.Length;
        }

        return (result.ToImmutable(), lastSeq);
    }

    /// <summary>
    /// Matching events after <paramref name="afterSeq"/> in <c>seq</c> order: a k-way merge of the types' rings by a
    /// priority queue, so each event costs log(types), not types.
    /// </summary>
    private IEnumerable<StoredEvent> Ascending(IReadOnlyCollection<string> types, long afterSeq)
    {
        var heads = new PriorityQueue<(EventRing Ring, int Index), long>();
        foreach (var (type, ring) in _byType)
        {
            if (types.Count > 0 && !types.Contains(type))
            {
                continue;
            }

            var index = ring.FirstAfter(afterSeq);
            if (index < ring.Count)
            {
                heads.Enqueue((ring, index), ring[index].Seq);
            }
        }

        while (heads.TryDequeue(out var head, out _))
        {
            var (ring, index) = head;
            yield return ring[index];
            if (index + 1 < ring.Count)
            {
                heads.Enqueue((ring, index + 1), ring[index + 1].Seq);
            }
        }
    }

    /// <summary>
    /// The newest <paramref name="limit"/> events matching the query, in <c>seq</c> order: the same merge as
    /// <see cref="Query"/>, walked from the newest end of each type.
    /// </summary>
    public (ImmutableArray<StoredEvent> Events, bool HasMore) QueryNewest(IReadOnlyCollection<string> types, long afterSeq, int limit)
    {
        var heads = new PriorityQueue<(EventRing Ring, int Index, int Floor), long>();
        foreach (var (type, ring) in _byType)
        {
            if (types.Count > 0 && !types.Contains(type))
            {
                continue;
            }

            var floor = ring.FirstAfter(afterSeq);
            if (floor < ring.Count)
            {
                heads.Enqueue((ring, ring.Count - 1, floor), -ring[ring.Count - 1].Seq);
            }
        }

        var result = new List<StoredEvent>();
        while (heads.TryDequeue(out var head, out _))
        {
            if (result.Count == limit)
            {
                result.Reverse();
                return ([.. result], true);
            }

            var (ring, index, floor) = head;
            result.Add(ring[index]);
            if (index > floor)
            {
                heads.Enqueue((ring, index - 1, floor), -ring[index - 1].Seq);
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
