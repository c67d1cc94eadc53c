namespace RapidTriage.Gateway.Connections;

/// <summary>Where a connection's delivery stands.</summary>
internal enum DeliveryPhase
{
    /// <summary>Before the first ack is queued: nothing may go out ahead of it.</summary>
    Opening,

    /// <summary>Waiting for <c>connection-init</c> (at most the grace period, never while init's session call runs).</summary>
    Holding,

    /// <summary>The cursor is behind the session: pages of history go out as the socket drains.</summary>
    Replaying,

    /// <summary>Caught up: events go out as the session delivers them.</summary>
    Live,

    /// <summary>Closing: nothing more is queued.</summary>
    Closed,
}
