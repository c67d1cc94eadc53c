namespace RapidTriage.Gateway.Connections;

/// <summary>What taking the next frame off a connection's send queue found.</summary>
internal enum QueueTake
{
    /// <summary>A frame to send.</summary>
    Frame,

    /// <summary>Nothing waits: the sender stops; the next frame enqueued starts it again.</summary>
    Empty,

    /// <summary>Nothing waits and nothing more will: the connection is closing, its close frame goes next.</summary>
    Closed,
}
