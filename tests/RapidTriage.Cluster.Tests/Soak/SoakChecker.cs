namespace RapidTriage.Cluster.Tests.Soak;

/// <summary>
/// Follows every consumer's <c>seq</c> and proves each gap was either replayed in full (<c>recovered:true</c>,
/// the next event is the one after the consumer's <c>lastSeq</c>) or announced with <c>recovered:false</c>; then
/// accounts for every event a producer had accepted (<c>publish-ack</c>): delivered, announced lost (its
/// (epoch, seq) lies inside an announced gap), or silently lost.
/// </summary>
internal static class SoakChecker
{
    public static SessionTally Check(SoakProducer producer, SoakConsumer consumer)
    {
        return producer.Read(() => consumer.Read(() => CheckLocked(producer, consumer)));
    }

    private static SessionTally CheckLocked(SoakProducer producer, SoakConsumer consumer)
    {
        var tally = new SessionTally { Session = producer.Session };
        var connections = consumer.Connections.ToList();
        var receipts = consumer.Receipts.ToList();
        var order = EpochOrder(producer, connections);
        var gaps = new List<((int, long) From, (int, long) To)>();
        (int Epoch, long Seq) position = default;
        foreach (var connection in connections)
        {
            var epoch = order[connection.Epoch];
            if (connection.Index == 0)
            {
                position = (epoch, connection.StreamStart);
            }
            else if (connection.Recovered == true)
            {
                tally.RecoveredTrue++;
                if (epoch != position.Epoch)
                {
                    tally.Violations.Add($"connection {connection.Index}: recovered:true across an epoch change");
                }
            }
            else
            {
                tally.RecoveredFalse++;
                var to = (epoch, connection.StreamStart);
                gaps.Add((position, to));
                tally.Reasons[connection.Reason ?? "?"] = tally.Reasons.GetValueOrDefault(connection.Reason ?? "?") + 1;
                position = to;
            }

            foreach (var receipt in receipts.Where(r => r.Connection == connection.Index))
            {
                if (connection.Recovered == true && receipt.Seq <= connection.AckLastSeq)
                {
                    tally.Replayed++;
                }

                if (receipt.Seq <= position.Seq)
                {
                    tally.OutOfOrder++;
                    continue;
                }

                if (receipt.Seq > position.Seq + 1)
                {
                    tally.UnannouncedSeqGaps += receipt.Seq - position.Seq - 1;
                    tally.Violations.Add($"connection {connection.Index} ({connection.Epoch}): seq {position.Seq} then {receipt.Seq} with no announcement");
                }

                position = (position.Epoch, receipt.Seq);
            }
        }

        var delivered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var receipt in receipts)
        {
            if (!delivered.Add(receipt.Id))
            {
                tally.Duplicates++;
            }
        }

        tally.Delivered = delivered.Count;
        tally.Sent = producer.FirstSent.Count;
        tally.Accepted = producer.Accepted.Count;
        foreach (var (n, acceptances) in producer.Accepted)
        {
            var id = SoakProducer.EventId(producer.Session, n);
            if (delivered.Contains(id))
            {
                continue;
            }

            var covered = acceptances.Any(a => order.TryGetValue(a.Epoch, out var e)
                && gaps.Any(g => Compare(g.From, (e, a.Seq)) < 0 && Compare((e, a.Seq), g.To) <= 0));
            if (covered)
            {
                tally.AnnouncedLost++;
            }
            else
            {
                tally.SilentlyLost++;
                if (tally.SilentExamples.Count < 5)
                {
                    tally.SilentExamples.Add($"{id} accepted at {string.Join(", ", acceptances.Select(a => $"{a.Epoch}:{a.Seq}"))}");
                }
            }
        }

        tally.DeliveredWithoutAck = delivered.Count(id => Number(producer.Session, id) is { } n && !producer.Accepted.ContainsKey(n));
        tally.NeverAccepted = producer.AckSeen ? producer.Unacked : 0;
        tally.UnconfirmedWithoutAck = producer.AckSeen ? 0 : tally.Sent - delivered.Count;
        return tally;
    }

    private static int Compare((int Epoch, long Seq) a, (int Epoch, long Seq) b) =>
        a.Epoch != b.Epoch ? a.Epoch.CompareTo(b.Epoch) : a.Seq.CompareTo(b.Seq);

    /// <summary>Epochs in the order anyone first saw them: a session only ever moves to a newer one.</summary>
    private static Dictionary<string, int> EpochOrder(SoakProducer producer, List<SoakConnection> connections)
    {
        var seen = producer.Epochs.Select(e => (e.At, e.Epoch))
            .Concat(connections.Select(c => (At: c.OpenedAt, c.Epoch)))
            .OrderBy(e => e.At)
            .Select(e => e.Epoch)
            .Concat(producer.Accepted.Values.SelectMany(a => a.Select(x => x.Epoch)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return seen.Select((epoch, i) => (epoch, i)).ToDictionary(x => x.epoch, x => x.i, StringComparer.Ordinal);
    }

    internal static long? Number(string session, string id) =>
        id.StartsWith(session + "-", StringComparison.Ordinal) && long.TryParse(id.AsSpan(session.Length + 1), out var n) ? n : null;
}

/// <summary>One session's counts.</summary>
internal sealed class SessionTally
{
    public string Session { get; set; } = "";

    public int Sent { get; set; }

    public int Accepted { get; set; }

    public int Delivered { get; set; }

    public int Replayed { get; set; }

    public int AnnouncedLost { get; set; }

    public int SilentlyLost { get; set; }

    public long UnannouncedSeqGaps { get; set; }

    public int Duplicates { get; set; }

    public int OutOfOrder { get; set; }

    public int NeverAccepted { get; set; }

    public int DeliveredWithoutAck { get; set; }

    public int UnconfirmedWithoutAck { get; set; }

    public int RecoveredTrue { get; set; }

    public int RecoveredFalse { get; set; }

    public Dictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);

    public List<string> Violations { get; } = [];

    public List<string> SilentExamples { get; } = [];
}
