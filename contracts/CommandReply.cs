namespace RapidTriage.Contracts;

/// <summary>How an <see cref="ISessionGrain.Ask"/> ended.</summary>
public enum CommandOutcome
{
    /// <summary>A member answered; <see cref="CommandReply.Payload"/> holds its response envelope.</summary>
    Answered = 0,

    /// <summary>No member of the session can serve the command (for a screenshot: no browser is connected).</summary>
    NoHandler = 1,

    /// <summary>The command was delivered but nobody answered in time.</summary>
    TimedOut = 2,

    /// <summary>A command that waits for no response (<c>clear-logs</c>) was carried out.</summary>
    Done = 3,
}

/// <summary>The answer to <see cref="ISessionGrain.Ask"/>.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Payload">The response envelope's wire bytes when <see cref="CommandOutcome.Answered"/>, else null.</param>
/// <param name="AnsweredBy">The connection that answered, when one did.</param>
[GenerateSerializer, Immutable, Alias("rt.CommandReply")]
public sealed record CommandReply(
    [property: Id(0)] CommandOutcome Outcome,
    [property: Id(1)] byte[]? Payload,
    [property: Id(2)] string? AnsweredBy);
