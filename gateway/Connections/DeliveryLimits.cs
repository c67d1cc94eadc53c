namespace RapidTriage.Gateway.Connections;

/// <summary>What a connection's delivery is bounded by.</summary>
/// <param name="QueueBytes">Live events waiting in the send queue beyond this close the socket with 4108 (<c>Relay:SendQueueBytes</c>).</param>
/// <param name="InitGrace">How long a new connection waits for <c>connection-init</c> before live events flow (<c>Relay:InitGracePeriod</c>).</param>
internal sealed record DeliveryLimits(long QueueBytes, TimeSpan InitGrace)
{
    /// <summary>
    /// The replay reads a page only when the queue holds at most this much, and a page is at most
    /// <see cref="PageBytes"/>: when it catches up, live events still find most of the bound free.
    /// </summary>
    public long LowWater => QueueBytes / 4;

    /// <summary>Payload bytes per replay page (one event at least, whatever its size).</summary>
    public int PageBytes => (int)Math.Clamp(QueueBytes / 8, 1, 256 * 1024);

    /// <summary>Events per replay page.</summary>
    public const int PageEvents = 256;
}
