using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>A command waiting for its response.</summary>
/// <param name="RequesterId">The member that sent it, or null for a caller waiting in <see cref="ISessionGrain.Ask"/>.</param>
/// <param name="ResponseType">The response type it waits for.</param>
/// <param name="Deadline">When it times out.</param>
/// <param name="Waiter">Completed with the answer (or the timeout) for an <see cref="ISessionGrain.Ask"/> caller.</param>
internal sealed record PendingCommand(
    string? RequesterId,
    string ResponseType,
    DateTime Deadline,
    TaskCompletionSource<CommandReply>? Waiter = null);
