using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RapidTriage.Grains;

/// <summary>
/// The session grains' instruments (meter <c>RapidTriage.Sessions</c>), one set per silo: active sessions, the
/// bytes their histories hold, how long a batch takes to reach a gateway, dropped responses and recognized resends.
/// </summary>
public sealed class SessionMetrics
{
    public const string MeterName = "RapidTriage.Sessions";

    private readonly UpDownCounter<long> _active;
    private readonly UpDownCounter<long> _historyBytes;
    private readonly Histogram<double> _fanOut;
    private readonly Counter<long> _responsesDropped;
    private readonly Counter<long> _publishDuplicates;

    public SessionMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _active = meter.CreateUpDownCounter<long>("relay.sessions.active", description: "Session grains active on this silo.");
        _historyBytes = meter.CreateUpDownCounter<long>("relay.history.bytes", "By", "Event bytes held in session histories on this silo.");
        _fanOut = meter.CreateHistogram<double>("relay.fanout.duration", "s", "Time for one batch of frames to reach a gateway (the observer call).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _responsesDropped = meter.CreateCounter<long>("relay.responses.dropped",
            description: "Responses dropped: no pending command has their id (reason unmatched), or it was not delivered to their sender (reason not-delivered).");
        _publishDuplicates = meter.CreateCounter<long>("relay.publish.duplicates",
            description: "\"ack\": true events not delivered again because the session had already accepted their id.");
    }

    internal void ResponseDropped(string reason) => _responsesDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void PublishDuplicate() => _publishDuplicates.Add(1);

    internal void Activated() => _active.Add(1);

    internal void Deactivated() => _active.Add(-1);

    /// <summary>Reports the change of one session's history size since its last report.</summary>
    internal void HistoryBytes(ref long reported, long now)
    {
        if (now != reported)
        {
            _historyBytes.Add(now - reported);
            reported = now;
        }
    }

    internal void FannedOut(long startTimestamp) => _fanOut.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
}
