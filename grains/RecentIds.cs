namespace RapidTriage.Grains;

/// <summary>The last <paramref name="capacity"/> connection ids added, oldest forgotten first.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(string id)
    {
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

    public bool Contains(string id) => _ids.Contains(id);

    /// <summary>Forgets <paramref name="id"/>; true when it was there. Its queue slot ages out on its own.</summary>
    public bool Remove(string id) => _ids.Remove(id);
}
