using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RapidTriage.Clients.Tests;

/// <summary>
/// Just enough of the Chrome DevTools Protocol to drive one page: send a command and await its answer,
/// and keep the browser's own log (<c>Log.entryAdded</c>: handshake failures with their HTTP status).
/// </summary>
internal sealed class DevToolsPage : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<string> _browserLog = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private int _nextId;

    private DevToolsPage(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveLoopAsync();
    }

    /// <summary>The browser's log entries (network errors, console messages), in arrival order.</summary>
    public IReadOnlyList<string> BrowserLog => _browserLog.ToArray();

    public static async Task<DevToolsPage> ConnectAsync(Uri debuggerUrl, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket.ConnectAsync(debuggerUrl, cancellationToken);
        return new DevToolsPage(socket);
    }

    /// <summary>Sends a command and returns its <c>result</c>; a protocol error throws <see cref="InvalidOperationException"/>.</summary>
    public async Task<JsonObject> SendAsync(string method, object? parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            var frame = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
            await _socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its string value.</summary>
    public async Task<string?> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true }, cancellationToken);
        return result["result"]?["value"]?.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    Dispatch(JsonNode.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length))!.AsObject());
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The browser went away or we are disposing (ClientWebSocket.Abort also disposes the socket, so a
            // receive that starts after it throws ObjectDisposedException): fail whatever still waits below.
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new InvalidOperationException("The DevTools connection closed."));
        }
    }

    private void Dispatch(JsonObject frame)
    {
        if (frame["id"] is { } id)
        {
            if (_pending.TryGetValue(id.GetValue<int>(), out var answer))
            {
                if (frame["error"] is { } error)
                {
                    answer.TrySetException(new InvalidOperationException($"DevTools error: {error.ToJsonString()}"));
                }
                else
                {
                    answer.TrySetResult(frame["result"]?.AsObject() ?? []);
                }
            }
        }
        else if (frame["method"]?.GetValue<string>() == "Log.entryAdded" && frame["params"]?["entry"]?["text"] is { } text)
        {
            _browserLog.Enqueue(text.GetValue<string>());
        }
    }
}
