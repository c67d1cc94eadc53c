using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// A command waiting for its response, kept under the correlation id the session gave it (the <c>id</c> its
/// handlers received): requesters choose their own ids, which need not be unique in a session.
/// </summary>
/// <param name="RequesterId">The member that sent it, or null for a caller waiting in <see cref="ISessionGrain.Ask"/>.</param>
/// <param name="RequestId">The id the requester gave it; its answer (or timeout) carries this id again.</param>
/// <param name="ResponseType">The response type it waits for.</param>
/// <param name="Deadline">When it times out.</param>
/// <param name="DeliveredTo">The members it went to: only they may answer.</param>
/// <param name="Waiter">Completed with the answer (or the timeout) for an <see cref="ISessionGrain.Ask"/> caller.</param>
internal sealed record PendingCommand(
    string? RequesterId,
    string RequestId,
    string ResponseType,
    DateTimeOffset Deadline,
    IReadOnlySet<string> DeliveredTo,
    TaskCompletionSource<CommandReply>? Waiter = null);
