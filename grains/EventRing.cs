using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>The retained events of one <paramref name="type"/>, oldest first, searchable by <c>seq</c>.</summary>
internal sealed class EventRing(string type)
{
    private readonly List<StoredEvent> _items = [];
    private int _start;

    /// <summary>The type, one string instance shared by every event of it.</summary>
    public string Type { get; } = type;

    public int Count => _items.Count - _start;

    public StoredEvent Oldest => _items[_start];

    public StoredEvent this[int index] => _items[_start + index];

    public void Add(StoredEvent item) => _items.Add(item);

    public StoredEvent RemoveOldest()
    {
        var oldest = _items[_start];
        _items[_start++] = null!;
        if (_start > 64 && _start > _items.Count / 2)
        {
            _items.RemoveRange(0, _start);
            _start = 0;
        }

        return oldest;
    }

    /// <summary>Index (relative to the oldest) of the first event with a <c>seq</c> above <paramref name="seq"/>.</summary>
    public int FirstAfter(long seq)
    {
        int lo = _start, hi = _items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_items[mid].Seq <= seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo - _start;
    }
}
