using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>One session's frames in a <see cref="ISessionObserver.DeliverMany"/> call, in the session's order.</summary>
/// <param name="SessionId">The session the frames come from.</param>
/// <param name="Deliveries">The frames, oldest first.</param>
[GenerateSerializer, Immutable, Alias("rt.SessionBatch")]
public sealed record SessionBatch(
    [property: Id(0)] string SessionId,
    [property: Id(1)] ImmutableArray<Delivery> Deliveries);
