namespace RapidTriage.Grains;

/// <summary>
/// The ids of <c>"ack": true</c> events a session accepted, with the <c>seq</c> each got, so a resend (after a
/// reconnect) is answered with the same <c>publish-ack</c> instead of being delivered twice. An id is forgotten
/// once it is both older than <see cref="PublishAckOptions.RememberFor"/> and not among the newest
/// <see cref="PublishAckOptions.RememberIds"/>.
/// </summary>
internal sealed class RecentAcks(PublishAckOptions options, TimeProvider time)
{
    private readonly Dictionary<string, long> _seqs = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();

    public int Count => _seqs.Count;

    public bool TryGet(string id, out long seq) => _seqs.TryGetValue(id, out seq);

    public void Add(string id, long seq)
    {
        var now = time.GetUtcNow();
        if (_seqs.TryAdd(id, seq))
        {
            _order.Enqueue((id, now));
        }

        while (_order.Count > options.RememberIds && now - _order.Peek().At > options.RememberFor)
        {
            _seqs.Remove(_order.Dequeue().Id);
        }
    }
}
