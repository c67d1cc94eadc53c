using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>
/// One per gateway process. Each silo keeps one outbox per gateway: session grains hand it their frames for the
/// connections that gateway holds, and it sends everything queued for the gateway, from every session on that
/// silo, as one call, one call at a time, so each session's frames arrive in <c>seq</c> order.
/// Implementations must only enqueue: never block the caller on a socket.
/// </summary>
public interface ISessionObserver : IGrainObserver
{
    /// <summary>
    /// Hands the gateway frames of several sessions. Each <see cref="SessionBatch"/> is handled in array order,
    /// and a session's batches in later calls come after those in earlier ones.
    /// </summary>
    Task DeliverMany(ImmutableArray<SessionBatch> batches);
}
