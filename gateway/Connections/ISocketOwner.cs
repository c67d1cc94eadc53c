namespace RapidTriage.Gateway.Connections;

/// <summary>What a <see cref="SocketTransport"/> asks of its connection.</summary>
internal interface ISocketOwner
{
    /// <summary>The largest message the client may send now (<c>Relay:MaxMessageSize</c>, or its dialect's).</summary>
    int MaxFrameBytes { get; }

    /// <summary>The close frame's code and reason, once the send queue said <see cref="QueueTake.Closed"/>.</summary>
    (int Code, string Reason) CloseStatus { get; }

    /// <summary>
    /// A whole text message (a pooled buffer that now belongs to the callee), or a protocol error to close for, in
    /// arrival order. The receive loop reads on once this completes: a slow callee slows the client (TCP pushes back).
    /// </summary>
    ValueTask ReceivedAsync(Inbound item);

    /// <summary>The client sent a close frame.</summary>
    void PeerClosed(int code, string reason);

    /// <summary>The next bytes to send (null: nothing for this frame), or why there are none.</summary>
    QueueTake TryTakeNext(out byte[]? bytes);

    /// <summary>Bytes went onto the socket.</summary>
    void Sent(byte[] bytes);
}
