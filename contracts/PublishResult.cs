namespace RapidTriage.Contracts;

/// <summary>What the session did with a published envelope.</summary>
public enum PublishStatus
{
    /// <summary>Routed (an event also got its <c>seq</c>).</summary>
    Accepted = 0,

    /// <summary>A command no member can serve: the gateway answers <c>no-handler</c>.</summary>
    NoHandler = 1,

    /// <summary>A response that matched no pending command: dropped by contract.</summary>
    Dropped = 2,

    /// <summary>The sender is not (or no longer) in the roster, e.g. after its gateway expired.</summary>
    NotMember = 3,

    /// <summary>
    /// An <c>"ack": true</c> event whose id the session accepted recently: not delivered again; <see cref="PublishResult.Seq"/>
    /// is the <c>seq</c> it got the first time.
    /// </summary>
    Duplicate = 4,

    /// <summary>A new event type in a session already holding <c>Relay:History:MaxTypes</c> types: nothing stored.</summary>
    TooManyTypes = 5,
}

/// <summary>The outcome of <see cref="ISessionGrain.Publish"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Seq">The event's <c>seq</c> (for <see cref="PublishStatus.Duplicate"/> the first copy's), or 0 for non-events.</param>
[GenerateSerializer, Immutable, Alias("rt.PublishResult")]
public readonly record struct PublishResult([property: Id(0)] PublishStatus Status, [property: Id(1)] long Seq);
