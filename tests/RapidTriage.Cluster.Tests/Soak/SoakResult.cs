using System.Text.Json;
using System.Text.Json.Serialization;

namespace RapidTriage.Cluster.Tests.Soak;

/// <summary>What a soak saw, written as JSON (<c>docs/perf-results/soak.json</c> for the documented run).</summary>
internal sealed record SoakResult
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required DateTime StartedUtc { get; init; }

    public required string Machine { get; init; }

    public required SoakPlanSummary Plan { get; init; }

    /// <summary>Whether the relay answered <c>"ack": true</c> events with <c>publish-ack</c> at all.</summary>
    public required bool PublishAck { get; init; }

    public required Totals Totals { get; init; }

    public required List<DisruptionOutcome> Disruptions { get; init; }

    public required List<string> Timeline { get; init; }

    public required List<string> Violations { get; init; }

    public required List<SessionTally> Sessions { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

internal sealed record SoakPlanSummary(int Sessions, int EventsPerSecondPerSession, double DurationSeconds, double DrainSeconds, string Settings, List<string> Disruptions);

/// <summary>Sums over all sessions; <see cref="SilentlyLost"/> and <see cref="UnannouncedSeqGaps"/> must be 0.</summary>
internal sealed record Totals(
    long Sent,
    long Accepted,
    long Delivered,
    long Replayed,
    long AnnouncedLost,
    long SilentlyLost,
    long UnannouncedSeqGaps,
    long Duplicates,
    long OutOfOrder,
    long NeverAccepted,
    long DeliveredWithoutAck,
    long UnconfirmedWithoutAck,
    long ProducerResends,
    Dictionary<string, int> ProducerErrors,
    long ProducerConnections,
    long ConsumerConnections,
    long RecoveredTrue,
    long RecoveredFalse,
    Dictionary<string, int> RecoveredFalseReasons);

/// <summary>
/// One disruption: when, and how long sessions went without new events. The outage of a session: from
/// the kill until its consumer received an event its producer first sent after the kill.
/// </summary>
internal sealed record DisruptionOutcome(
    string Kind,
    string Target,
    double AtSeconds,
    double DownSeconds,
    int SessionsAffected,
    double? OutageP50Ms,
    double? OutageMaxMs,
    int SessionsNeverResumed,
    double? MemberLeftP50Ms,
    double? MemberLeftMaxMs,
    int MemberLeftMissing);
