namespace RapidTriage.Grains;

/// <summary>
/// The last <paramref name="capacity"/> connection ids added, oldest forgotten first. Holds no collections until the
/// first id: most sessions never need one.
/// </summary>
internal sealed class RecentIds(int capacity)
{
    private HashSet<string>? _ids;
    private Queue<string>? _order;

    public void Add(string id)
    {
        _ids ??= new HashSet<string>(StringComparer.Ordinal);
        _order ??= new Queue<string>();
        if (!_ids.Add(id))
        {
            return;
        }

        _order.Enqueue(id);
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }
    }

    public bool Contains(string id) => _ids?.Contains(id) == true;

    /// <summary>Forgets <paramref name="id"/>; true when it was there. Its queue slot ages out on its own.</summary>
    public bool Remove(string id) => _ids?.Remove(id) == true;
}
