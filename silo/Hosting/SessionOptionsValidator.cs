using Microsoft.Extensions.Options;
using RapidTriage.Grains;

namespace RapidTriage.Silo.Hosting;

/// <summary>Checks the session grains' <see cref="SessionOptions"/> (bound from <c>Relay</c>) at start, naming each bad key.</summary>
internal sealed class SessionOptionsValidator : IValidateOptions<SessionOptions>
{
    public const string SectionName = "Relay";

    public ValidateOptionsResult Validate(string? name, SessionOptions options)
    {
        var problems = new OptionsProblems(SectionName);
        problems.Positive(nameof(options.CommandTimeout), options.CommandTimeout);
        problems.AtLeast(nameof(options.MaxRosterSize), options.MaxRosterSize, 1);
        problems.Positive(nameof(options.SessionIdleTimeout), options.SessionIdleTimeout);

        var history = problems.For("History");
        history.AtLeast(nameof(options.History.PerType), options.History.PerType, 1);
        history.AtLeast(nameof(options.History.MaxTypes), options.History.MaxTypes, 1);
        history.AtLeast(nameof(options.History.MaxBytes), options.History.MaxBytes, 1024);
        history.Positive(nameof(options.History.FlushInterval), options.History.FlushInterval);
        history.AtLeast(nameof(options.History.MaxSegments), options.History.MaxSegments, 0);
        history.AtLeast(nameof(options.History.MaxSegmentBytesRatio), options.History.MaxSegmentBytesRatio, 1);
        history.AtLeast(nameof(options.History.FlushBudget), options.History.FlushBudget, 1);
        history.Positive(nameof(options.History.MaxFlushInterval), options.History.MaxFlushInterval);
        if (options.History.FlushInterval != TimeSpan.MaxValue && options.History.MaxFlushInterval < options.History.FlushInterval)
        {
            history.Add($"{history.Key(nameof(options.History.MaxFlushInterval))} ({options.History.MaxFlushInterval}) must not be shorter than {history.Key(nameof(options.History.FlushInterval))} ({options.History.FlushInterval}).");
        }

        var cluster = problems.For("Cluster");
        cluster.Positive(nameof(options.Cluster.ObserverExpiry), options.Cluster.ObserverExpiry);
        cluster.Positive(nameof(options.Cluster.GatewayExpiry), options.Cluster.GatewayExpiry);
        cluster.Positive(nameof(options.Cluster.PresencePoll), options.Cluster.PresencePoll);
        cluster.AtLeast(nameof(options.Cluster.GatewayQueueBytes), options.Cluster.GatewayQueueBytes, 64 * 1024);
        cluster.AtLeast(nameof(options.Cluster.OutboxMaxBatchBytes), options.Cluster.OutboxMaxBatchBytes, 1);
        cluster.Positive(nameof(options.Cluster.OutboxCallTimeout), options.Cluster.OutboxCallTimeout);

        var acks = problems.For("PublishAck");
        acks.AtLeast(nameof(options.PublishAck.RememberIds), options.PublishAck.RememberIds, 0);
        acks.NotNegative(nameof(options.PublishAck.RememberFor), options.PublishAck.RememberFor);
        return problems.Result;
    }
}
