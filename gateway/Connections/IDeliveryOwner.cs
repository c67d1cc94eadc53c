using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

/// <summary>What a <see cref="DeliveryState"/> asks of its connection.</summary>
internal interface IDeliveryOwner
{
    /// <summary>Reads the next page of the replay from the session (<see cref="ISessionGrain.ReadReplay"/>).</summary>
    Task<ReplayPage> ReadReplayAsync(string epoch, long afterSeq, int maxEvents, int maxBytes, CancellationToken cancellationToken);

    /// <summary>Delivery gave up on the socket (slow consumer, a replay that cannot complete): close it, discarding the queue.</summary>
    void CloseForDelivery(int code, string reason);

    /// <summary>
    /// A frame was enqueued into an empty, idle send queue (or the queue was completed): start sending, off the
    /// caller's thread (it holds the delivery lock). Called again only after <see cref="DeliveryState.TryTake"/>
    /// answered <see cref="QueueTake.Empty"/>.
    /// </summary>
    void SendReady();
}
