using System.Net.WebSockets;

namespace RapidTriage.Baseline;

/// <summary>One socket in a room. A socket allows one send at a time, so senders take turns.</summary>
internal sealed class Peer(WebSocket socket) : IDisposable
{
    private readonly SemaphoreSlim _sending = new(1, 1);

    public WebSocket Socket { get; } = socket;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await Socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that went away while we were sending to it; its own loop removes it.
        }
        finally
        {
            _sending.Release();
        }
    }

    public void Dispose() => _sending.Dispose();
}
