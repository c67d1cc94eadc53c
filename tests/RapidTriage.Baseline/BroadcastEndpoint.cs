using System.Buffers;
using System.Net.WebSockets;

namespace RapidTriage.Baseline;

/// <summary>
/// <c>/room/{room}</c>: every text frame a socket sends goes, unchanged, to the room's other sockets. The
/// cheapest relay Kestrel allows: no parsing, no copy, no queue, no thread hop; idle sockets hold no buffer.
/// </summary>
internal static class BroadcastEndpoint
{
    private const int InitialBuffer = 4 * 1024;
    private const int MaxMessage = 1024 * 1024;

    // The load generator waits for a first frame on open, as it does for the relay's connection-ack.
    private static readonly byte[] Ack = """{"type":"connection-ack"}"""u8.ToArray();

    public static IEndpointRouteBuilder MapBroadcast(this IEndpointRouteBuilder app)
    {
        app.Map("/room/{room}", AcceptAsync);
        return app;
    }

    private static async Task AcceptAsync(HttpContext context, string room, Rooms rooms, IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var peer = new Peer(socket);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        rooms.Join(room, peer);
        try
        {
            await peer.SendAsync(Ack, stop.Token);
            await ReceiveLoopAsync(peer, room, rooms, stop.Token);
            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", stop.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            rooms.Leave(room, peer);
        }
    }

    private static async Task ReceiveLoopAsync(Peer peer, string room, Rooms rooms, CancellationToken cancellationToken)
    {
        var socket = peer.Socket;
        while (true)
        {
            // A zero-byte read waits for the next frame without holding a buffer.
            var first = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
            if (first.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
            try
            {
                var length = 0;
                var end = first.EndOfMessage;
                while (!end)
                {
                    if (length == buffer.Length)
                    {
                        if (length >= MaxMessage)
                        {
                            return;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    length += result.Count;
                    end = result.EndOfMessage;
                }

                var frame = buffer.AsMemory(0, length);
                foreach (var other in rooms.Members(room))
                {
                    if (!ReferenceEquals(other, peer))
                    {
                        await other.SendAsync(frame, cancellationToken);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
