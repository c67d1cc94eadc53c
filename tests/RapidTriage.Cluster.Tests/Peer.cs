using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary>
/// A <see cref="TestClient"/> that survives what failure tests do to it: a background reader keeps every frame (so
/// waiting never cancels a receive), the close is recorded, and the newest <c>seq</c> and <c>epoch</c> are tracked
/// for reconnecting with <c>lastSeq</c>.
/// </summary>
internal sealed class Peer : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TestClient _client;
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly Task _reader;

    private Peer(TestClient client)
    {
        _client = client;
        Track(client.Ack);
        _reader = ReadAsync();
    }

    public string ConnectionId { get; private set; } = "";

    public string Epoch { get; private set; } = "";

    /// <summary>The newest event <c>seq</c> seen (and the ack's, until one arrives).</summary>
    public long LastSeq { get; private set; }

    /// <summary>Frames that arrived between <c>connection-init</c> and its answer (none, if the gateway holds them as it should).</summary>
    public List<JsonObject> BeforeInitAck { get; } = [];

    /// <summary>The answer to <c>connection-init</c>, when one was sent.</summary>
    public JsonObject? InitAck { get; private set; }

    /// <summary>The <c>connection-ack</c> sent on open: from its <c>lastSeq</c> on, the socket is owed every event.</summary>
    public JsonObject OpenAck { get; private set; } = null!;

    public WebSocketCloseStatus? CloseStatus => _client.CloseStatus;

    public bool IsClosed => _reader.IsCompleted;

    public static async Task<Peer> ConnectAsync(Uri uri, object? init, string? token = null)
    {
        var peer = new Peer(await TestClient.ConnectAsync(uri, token is null ? null : TestClient.Bearer(token)));
        peer.OpenAck = peer._client.Ack;
        peer.ConnectionId = peer._client.ConnectionId;
        if (init is not null)
        {
            await peer.SendAsync(new { type = "connection-init", data = init });
            while (peer.InitAck is null)
            {
                var frame = await peer.ReceiveAsync(Wait) ?? throw new TimeoutException($"No connection-ack within {Wait} (closed: {peer.CloseStatus?.ToString() ?? "no"}).");
                if (frame["type"]?.GetValue<string>() == "connection-ack")
                {
                    peer.InitAck = frame;
                }
                else
                {
                    peer.BeforeInitAck.Add(frame);
                }
            }
        }

        return peer;
    }

    public static Task<Peer> ExtensionAsync(LocalCluster cluster, int gateway, string session, object? init = null) =>
        ConnectAsync(cluster.GatewayUri(gateway, $"/extension-ws?sessionId={session}"), init ?? new { clientType = "chrome-extension" });

    public static Task<Peer> McpAsync(LocalCluster cluster, int gateway, string session, object? init = null) =>
        ConnectAsync(cluster.GatewayUri(gateway, $"/mcp-ws?sessionId={session}"), init ?? new { clientType = "mcp-server" });

    public static Task<Peer> TunnelAsync(LocalCluster cluster, int gateway, string session, object? init = null) =>
        ConnectAsync(cluster.GatewayUri(gateway, $"/tunnel/{session}"), init ?? new { clientType = "remote-client" }, RelayServer.Token(session));

    /// <summary>Sends a JSON message; false when the socket is no longer open.</summary>
    public async Task<bool> SendAsync(object message)
    {
        if (_client.Socket.State != WebSocketState.Open)
        {
            return false;
        }

        try
        {
            await _client.SendAsync(message);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The next frame, or null when none came within <paramref name="wait"/> or the socket closed.</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _frames.Reader.ReadAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    public async Task<JsonObject> ReceiveTypeAsync(string type, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? Wait);
        while (DateTime.UtcNow < deadline)
        {
            var frame = await ReceiveAsync(deadline - DateTime.UtcNow);
            if (frame?["type"]?.GetValue<string>() == type)
            {
                return frame;
            }

            if (frame is null && IsClosed)
            {
                break;
            }
        }

        throw new TimeoutException($"No {type} within {wait ?? Wait} (closed: {CloseStatus?.ToString() ?? "no"}).");
    }

    /// <summary>Collects <paramref name="count"/> frames of <paramref name="type"/>, in arrival order, skipping others.</summary>
    public async Task<List<JsonObject>> ReceiveManyAsync(string type, int count, TimeSpan? wait = null)
    {
        var result = new List<JsonObject>();
        var deadline = DateTime.UtcNow + (wait ?? Wait);
        while (result.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Got {result.Count} of {count} {type} frames.");
            }

            result.Add(await ReceiveTypeAsync(type, left));
        }

        return result;
    }

    public async Task<WebSocketCloseStatus?> WaitClosedAsync(TimeSpan wait)
    {
        await _reader.WaitAsync(wait);
        return _client.CloseStatus;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _client.ReceiveTextAsync(Timeout.InfiniteTimeSpan) is { } text)
            {
                var frame = JsonNode.Parse(text)!.AsObject();
                Track(frame);
                _frames.Writer.TryWrite(frame);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    private void Track(JsonObject frame)
    {
        if (frame["type"]?.GetValue<string>() == "connection-ack")
        {
            Epoch = frame["data"]?["epoch"]?.GetValue<string>() ?? Epoch;
            LastSeq = Math.Max(LastSeq, frame["data"]?["lastSeq"]?.GetValue<long>() ?? 0);
        }
        else if (frame["seq"] is { } seq)
        {
            LastSeq = Math.Max(LastSeq, seq.GetValue<long>());
        }
    }
}
