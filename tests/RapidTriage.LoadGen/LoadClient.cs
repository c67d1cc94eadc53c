using System.Net.WebSockets;
using System.Text;

namespace RapidTriage.LoadGen;

/// <summary>
/// One client socket of the load: connects (for the relay: waits for <c>connection-ack</c>, optionally sends
/// <c>connection-init</c> and waits for the second ack), sends frames, and runs a receive loop.
/// </summary>
internal sealed class LoadClient : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private readonly ClientWebSocket _socket;
    private Task _receiving = Task.CompletedTask;

    private LoadClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>How the server closed the socket, if it did during the run.</summary>
    public WebSocketCloseStatus? ServerClose { get; private set; }

    /// <summary>The socket failed without a close handshake.</summary>
    public bool Aborted { get; private set; }

    /// <summary><c>error</c> frames received (for example <c>rate-limited</c>: the run is then invalid).</summary>
    public int Errors { get; private set; }

    public static async Task<LoadClient> ConnectAsync(Uri uri, bool relay, string? initClientType, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var client = new LoadClient(socket);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);

            // The relay (and the baseline) speak first: the socket is open when the first frame is in.
            var buffer = new byte[8 * 1024];
            _ = await client.ReadTextAsync(buffer, timeout.Token) ?? throw new WebSocketException("closed before the first frame");
            if (relay && initClientType is not null)
            {
                var init = $$$"""{"type":"connection-init","data":{"clientType":"{{{initClientType}}}","version":"1.0"}}""";
                await socket.SendAsync(Encoding.UTF8.GetBytes(init), WebSocketMessageType.Text, true, timeout.Token);
                while (true)
                {
                    var text = await client.ReadTextAsync(buffer, timeout.Token) ?? throw new WebSocketException("closed during init");
                    if (text.Contains("\"connection-ack\"", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
            }

            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Starts the receive loop: every complete text frame goes to <paramref name="onFrame"/>.</summary>
    public void StartReceiving(FrameHandler onFrame, int bufferSize, CancellationToken cancellationToken) =>
        _receiving = ReceiveLoopAsync(onFrame, bufferSize, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load done", timeout.Token);
            }

            await _receiving.WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }

        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync(FrameHandler onFrame, int bufferSize, CancellationToken cancellationToken)
    {
        var buffer = new byte[bufferSize];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        ServerClose = _socket.CloseStatus;
                    }

                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = buffer.AsSpan(0, length);
                if (frame.IndexOf("\"type\":\"error\""u8) >= 0)
                {
                    Errors++;
                }

                onFrame(frame);
                length = 0;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            Aborted = true;
        }
    }

    private async Task<string?> ReadTextAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage || length == buffer.Length)
            {
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
    }
}

/// <summary>Receives one complete frame; the span is valid only during the call.</summary>
internal delegate void FrameHandler(ReadOnlySpan<byte> frame);
