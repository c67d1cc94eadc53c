namespace RapidTriage.Grains;

/// <summary>
/// The ids of <c>"ack": true</c> events a session accepted, with the <c>seq</c> each got, so a resend (after a
/// reconnect) is answered with the same <c>publish-ack</c> instead of being delivered twice. An id is forgotten
/// once it is both older than <see cref="PublishAckOptions.RememberFor"/> and not among the newest
/// <see cref="PublishAckOptions.RememberIds"/>. Holds no collections until the first id.
/// </summary>
internal sealed class RecentAcks(PublishAckOptions options, TimeProvider time)
{
    private Dictionary<string, long>? _seqs;
    private Queue<(string Id, DateTimeOffset At)>? _order;

    public bool TryGet(string id, out long seq)
    {
        seq = 0;
        return _seqs?.TryGetValue(id, out seq) == true;
    }

    public void Add(string id, long seq)
    {
        _seqs ??= new Dictionary<string, long>(StringComparer.Ordinal);
        _order ??= new Queue<(string Id, DateTimeOffset At)>();
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
