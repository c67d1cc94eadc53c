using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>The extension's socket: devtools.js <c>setupWebSocket()</c>, its frames and its <c>ws.onmessage</c>.</summary>
internal sealed partial class ScriptedExtension
{
    /// <summary><c>setupWebSocket()</c>: validate, connect to <c>/extension-ws</c>, then answer what the server asks.</summary>
    public async Task ConnectSocketAsync(CancellationToken cancellationToken)
    {
        if (!await ValidateServerIdentityAsync())
        {
            throw new InvalidOperationException("The server's identity did not validate: the extension would not connect.");
        }

        _socket = new ClientWebSocket();
        _socket.Options.SetRequestHeader("Origin", Origin);
        await _socket.ConnectAsync(new Uri($"ws://localhost:{_port}/extension-ws"), cancellationToken);
        _receiving = ReceiveLoopAsync(_socket, _stop.Token);
    }

    public Task SendHeartbeatAsync() => SendAsync(new JsonObject { ["type"] = "heartbeat" });

    /// <summary><c>chrome.devtools.network.onNavigated</c>: the page-navigated frame (after <c>wipeLogs()</c>).</summary>
    public Task SendPageNavigatedAsync(string url) =>
        SendAsync(new JsonObject { ["type"] = "page-navigated", ["url"] = url, ["tabId"] = TabId, ["timestamp"] = Clock() });

    /// <summary>
    /// Connects to the relay and waits until its session has the socket as a member (the relay's
    /// <c>connection-ack</c>, which the extension ignores), so that a request right after finds it.
    /// </summary>
    public async Task ConnectToRelayAsync(CancellationToken cancellationToken)
    {
        await ConnectSocketAsync(cancellationToken);
        await WaitForFrameAsync("connection-ack", cancellationToken);
    }

    /// <summary>Waits until the <paramref name="count"/>th frame whose <c>type</c> is <paramref name="type"/> arrived, and returns it.</summary>
    public async Task<JsonObject> WaitForFrameAsync(string type, CancellationToken cancellationToken, int count = 1)
    {
        while (true)
        {
            lock (Received)
            {
                var seen = 0;
                foreach (var raw in Received)
                {
                    if (JsonNode.Parse(raw) is JsonObject frame && frame["type"]?.GetValue<string>() == type && ++seen == count)
                    {
                        return frame;
                    }
                }
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task SendAsync(JsonObject frame)
    {
        var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
        await _sending.WaitAsync(_stop.Token);
        try
        {
            await _socket!.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var text = Encoding.UTF8.GetString(message.ToArray());
                lock (Received)
                {
                    Received.Add(text);
                }

                await AnswerAsync(JsonNode.Parse(text) as JsonObject);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>devtools.js <c>ws.onmessage</c>: only these two requests are acted on; anything else is ignored.</summary>
    private Task AnswerAsync(JsonObject? message)
    {
        var type = message?["type"]?.GetValue<string>();
        var requestId = message?["requestId"]?.DeepClone();
        if (type == "take-screenshot" && !IgnoreScreenshotRequests)
        {
            var response = ScreenshotError is { } error
                ? new JsonObject { ["type"] = "screenshot-error", ["error"] = error, ["requestId"] = requestId }
                : new JsonObject { ["type"] = "screenshot-data", ["data"] = ScreenshotDataUrl, ["requestId"] = requestId };
            if (ScreenshotError is null)
            {
                if (ScreenshotPath.Length > 0)
                {
                    response["path"] = ScreenshotPath;
                }

                response["autoPaste"] = false;
            }

            return SendAsync(response);
        }

        if (type == "get-current-url")
        {
            return SendAsync(new JsonObject { ["type"] = "current-url-response", ["url"] = "https://example.test/current", ["tabId"] = TabId, ["requestId"] = requestId });
        }

        return Task.CompletedTask;
    }
}
