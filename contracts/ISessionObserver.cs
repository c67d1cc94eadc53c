using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>
/// One per gateway process. The session grain calls it with batches for the connections that gateway
/// holds; calls to one gateway are awaited one at a time, so batches arrive in <c>seq</c> order.
/// Implementations must only enqueue: never block the grain on a socket.
/// </summary>
public interface ISessionObserver : IGrainObserver
{
    /// <summary>Hands a batch of frames for <paramref name="sessionId"/> to the gateway.</summary>
    Task Deliver(string sessionId, ImmutableArray<Delivery> batch);
}
