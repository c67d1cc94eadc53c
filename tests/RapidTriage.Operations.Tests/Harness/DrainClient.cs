using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RapidTriage.Operations.Tests.Harness;

/// <summary>
/// A receiver that behaves as the contract asks of one: on 1012 it reconnects at once to another gateway and
/// recovers with <c>connection-init</c> (<c>lastSeq</c>, <c>epoch</c>). It keeps every event <c>seq</c> it got.
/// </summary>
internal sealed class DrainClient(string sessionId, Uri first, Uri fallback)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly List<long> _seqs = [];
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _epoch = "";
    private long _lastSeq;

    public string SessionId { get; } = sessionId;

    /// <summary>How the first gateway closed the socket, and when (<see cref="Stopwatch"/> timestamp).</summary>
    public (WebSocketCloseStatus? Status, long At)? FirstClose { get; private set; }

    /// <summary>How the second gateway closed the socket, if it did before the test stopped.</summary>
    public WebSocketCloseStatus? SecondClose { get; private set; }

    /// <summary>The second gateway's answer to the recovering <c>connection-init</c>.</summary>
    public JsonObject? RecoveryAck { get; private set; }

    public Task Connected => _connected.Task;

    public override string ToString() =>
        $"{SessionId}: {Seqs.Count} events, last {(Seqs.Count > 0 ? Seqs[^1] : 0)}, first close {FirstClose?.Status}, second close {SecondClose}, recovery {RecoveryAck?["data"]?.ToJsonString()}";

    public IReadOnlyList<long> Seqs
    {
        get
        {
            lock (_seqs)
            {
                return [.. _seqs];
            }
        }
    }

    /// <summary>Runs until <paramref name="stop"/>: the first gateway until it closes, then the fallback.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            using (var socket = await ConnectAsync(first, recover: false))
            {
                _connected.TrySetResult();
                FirstClose = (await ReadUntilClosedAsync(socket, stop), Stopwatch.GetTimestamp());
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            using var again = await ConnectAsync(fallback, recover: true);
            SecondClose = await ReadUntilClosedAsync(again, stop);
        }
        catch (Exception ex)
        {
            _connected.TrySetException(ex);
            throw;
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(Uri uri, bool recover)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Wait);
        await socket.ConnectAsync(uri, timeout.Token);
        var ack = await ReceiveAsync(socket, timeout.Token) ?? throw new InvalidOperationException("closed before the ack");
        if (!recover)
        {
            Track(ack);
            return socket;
        }

        var init = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "connection-init",
            data = new { clientType = "drain-test", lastSeq = _lastSeq, epoch = _epoch },
        });
        await socket.SendAsync(init, WebSocketMessageType.Text, true, timeout.Token);
        while (await ReceiveAsync(socket, timeout.Token) is { } frame)
        {
            if (frame["type"]?.GetValue<string>() == "connection-ack")
            {
                RecoveryAck = frame;
                Track(frame);
                return socket;
            }

            Track(frame);
        }

        throw new InvalidOperationException("closed before the recovery ack");
    }

    private async Task<WebSocketCloseStatus?> ReadUntilClosedAsync(ClientWebSocket socket, CancellationToken stop)
    {
        try
        {
            while (await ReceiveAsync(socket, stop) is { } frame)
            {
                Track(frame);
            }

            return socket.CloseStatus;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The next frame, or null when the server closed (the close is answered at once, as a browser does).</summary>
    private static async Task<JsonObject?> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", timeout.Token);
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length))!.AsObject();
            }
        }
    }

    private void Track(JsonObject frame)
    {
        if (frame["type"]?.GetValue<string>() == "connection-ack")
        {
            _epoch = frame["data"]?["epoch"]?.GetValue<string>() ?? _epoch;
            _lastSeq = Math.Max(_lastSeq, frame["data"]?["lastSeq"]?.GetValue<long>() ?? 0);
        }
        else if (frame["seq"] is { } seq)
        {
            var value = seq.GetValue<long>();
            lock (_seqs)
            {
                _seqs.Add(value);
            }

            _lastSeq = Math.Max(_lastSeq, value);
        }
    }
}
