using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RapidTriage.Testing;

/// <summary>A WebSocket client for tests: send JSON, receive JSON with a deadline, observe the close.</summary>
public sealed class TestClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Task<string?>? _pending;

    private TestClient(ClientWebSocket socket) => _socket = socket;

    public WebSocket Socket => _socket;

    public string? Subprotocol => _socket.SubProtocol;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>The first <c>connection-ack</c>, read by <see cref="ConnectAsync"/>.</summary>
    public JsonObject Ack { get; private set; } = null!;

    public string ConnectionId => Ack["data"]!["connectionId"]!.GetValue<string>();

    /// <summary>Connects and reads the unasked <c>connection-ack</c>.</summary>
    public static async Task<TestClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultWait);
        await socket.ConnectAsync(uri, timeout.Token);
        var client = new TestClient(socket);
        client.Ack = await client.ReceiveAsync();
        if (client.Ack["type"]?.GetValue<string>() != "connection-ack")
        {
            throw new InvalidOperationException($"First frame was not connection-ack: {client.Ack.ToJsonString()}");
        }

        return client;
    }

    /// <summary>Connects, or returns the HTTP status the handshake was refused with.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, TestClient? Client)> ConnectOrStatusAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var (status, socket) = await HandshakeAsync(uri, configure);
        if (socket is null)
        {
            return (status, null);
        }

        var client = new TestClient(socket);
        client.Ack = await client.ReceiveAsync();
        return (System.Net.HttpStatusCode.SwitchingProtocols, client);
    }

    /// <summary>Connects and sends <c>connection-init</c>; returns once the second ack arrived.</summary>
    public static async Task<TestClient> ConnectInitializedAsync(Uri uri, object initData, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = await ConnectAsync(uri, configure);
        await client.SendAsync(new { type = "connection-init", data = initData });
        await client.ReceiveTypeAsync("connection-ack");
        return client;
    }

    /// <summary>
    /// Attempts a handshake and returns the HTTP status the server answered with (101 when it upgraded; the
    /// socket is then closed at once).
    /// </summary>
    public static async Task<HttpStatusCode> HandshakeStatusAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var (status, socket) = await HandshakeAsync(uri, configure);
        if (socket is not null)
        {
            socket.Abort();
            socket.Dispose();
        }

        return status;
    }

    /// <summary>The handshake's HTTP status, and the open socket when the server upgraded.</summary>
    private static async Task<(HttpStatusCode Status, ClientWebSocket? Socket)> HandshakeAsync(Uri uri, Action<ClientWebSocketOptions>? configure)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultWait);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException)
        {
            var refused = socket.HttpStatusCode;
            socket.Dispose();
            return (refused, null);
        }

        return (socket.HttpStatusCode, socket);
    }

    /// <summary>Options that send <c>Authorization: Bearer</c> with <paramref name="token"/>.</summary>
    public static Action<ClientWebSocketOptions> Bearer(string token, Action<ClientWebSocketOptions>? more = null) => options =>
    {
        options.SetRequestHeader("Authorization", "Bearer " + token);
        more?.Invoke(options);
    };

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(DefaultWait);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var timeout = new CancellationTokenSource(DefaultWait);
        await _socket.SendAsync(bytes, type, true, timeout.Token);
    }

    /// <summary>The next frame; throws <see cref="TimeoutException"/> past the wait, or if the socket closed.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan? wait = null)
    {
        var text = await ReceiveTextAsync(wait) ?? throw new WebSocketException($"Closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The next frame's text, or null when the server closed the socket.</summary>
    /// <remarks>
    /// A cancelled <c>ReceiveAsync</c> aborts a <see cref="ClientWebSocket"/>, so a wait that runs out leaves the
    /// read pending and the next call picks it up: the socket stays usable after a timeout.
    /// </remarks>
    public async Task<string?> ReceiveTextAsync(TimeSpan? wait = null)
    {
        _pending ??= ReadMessageAsync();
        using var timer = new CancellationTokenSource();
        var done = await Task.WhenAny(_pending, Task.Delay(wait ?? DefaultWait, timer.Token));
        if (done != _pending)
        {
            throw new TimeoutException($"No frame within {wait ?? DefaultWait}");
        }

        await timer.CancelAsync();
        var read = _pending;
        _pending = null;
        return await read;
    }

    private async Task<string?> ReadMessageAsync()
    {
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await AnswerCloseAsync();
                return null;
            }

            message.Write(_buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    /// <summary>Starts the close handshake; the server's answer ends the next receive (with null).</summary>
    public async Task CloseOutputAsync(string reason)
    {
        using var timeout = new CancellationTokenSource(DefaultWait);
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
    }

    /// <summary>Answers the server's close at once, as browsers do, so that its side ends now and not at its close timeout.</summary>
    private async Task AnswerCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived)
        {
            // This side started the close: the server's close frame ended it.
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _socket.CloseOutputAsync(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server already dropped the connection: nothing left to answer.
        }
    }

    /// <summary>Skips frames until one of <paramref name="type"/> arrives.</summary>
    public Task<JsonObject> ReceiveTypeAsync(string type, TimeSpan? wait = null) =>
        ReceiveWhereAsync(frame => frame["type"]?.GetValue<string>() == type, wait, $"{type} frame");

    /// <summary>Asserts that no frame (other than those <paramref name="ignore"/> accepts) arrives within <paramref name="wait"/>.</summary>
    public async Task<JsonObject?> TryReceiveAsync(TimeSpan wait, Func<JsonObject, bool>? ignore = null)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var frame = await ReceiveAsync(deadline - DateTime.UtcNow);
                if (ignore?.Invoke(frame) != true)
                {
                    return frame;
                }
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Sends one message as several WebSocket frames (continuations).</summary>
    public async Task SendFragmentsAsync(WebSocketMessageType type, params byte[][] fragments)
    {
        using var timeout = new CancellationTokenSource(DefaultWait);
        for (var i = 0; i < fragments.Length; i++)
        {
            await _socket.SendAsync(fragments[i], type, i == fragments.Length - 1, timeout.Token);
        }
    }

    /// <summary>Skips frames until one that <paramref name="match"/> accepts arrives.</summary>
    public async Task<JsonObject> ReceiveWhereAsync(Func<JsonObject, bool> match, TimeSpan? wait = null, string what = "matching frame")
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No {what} within {wait ?? DefaultWait}");
            }

            var frame = await ReceiveAsync(left);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>
    /// Every frame that arrives until none has come for <paramref name="quiet"/> (or the socket closed, or
    /// <paramref name="max"/> passed).
    /// </summary>
    public async Task<List<JsonObject>> DrainAsync(TimeSpan quiet, TimeSpan? max = null)
    {
        var frames = new List<JsonObject>();
        var deadline = DateTime.UtcNow + (max ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            string? text;
            try
            {
                text = await ReceiveTextAsync(quiet);
            }
            catch (TimeoutException)
            {
                break;
            }

            if (text is null)
            {
                break;
            }

            frames.Add(JsonNode.Parse(text)!.AsObject());
        }

        return frames;
    }

    /// <summary>Sends a <c>heartbeat</c> and returns the server's answer: proof the connection is open and served.</summary>
    public async Task<JsonObject> HeartbeatAsync(TimeSpan? wait = null)
    {
        var id = "hb-" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync(new { type = "heartbeat", id });
        return await ReceiveWhereAsync(f => f.Type() == "heartbeat" && f["id"]?.GetValue<string>() == id, wait);
    }

    /// <summary>Reads until the server's close frame; returns its status.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        try
        {
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || await ReceiveTextAsync(left) is null)
                {
                    break;
                }
            }
        }
        catch (WebSocketException)
        {
            return _socket.CloseStatus;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("The server did not close the socket");
        }

        return _socket.CloseStatus ?? throw new TimeoutException("The server did not close the socket");
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
        if (_pending is not null)
        {
            try
            {
                await _pending;
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }
}
