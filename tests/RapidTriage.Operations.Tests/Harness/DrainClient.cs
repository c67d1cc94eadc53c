using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

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
            await using (var client = await ConnectAsync(first, recover: false))
            {
                _connected.TrySetResult();
                FirstClose = (await ReadUntilClosedAsync(client, stop), Stopwatch.GetTimestamp());
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            await using var again = await ConnectAsync(fallback, recover: true);
            SecondClose = await ReadUntilClosedAsync(again, stop);
        }
        catch (Exception ex)
        {
            _connected.TrySetException(ex);
            throw;
        }
    }

    private async Task<TestClient> ConnectAsync(Uri uri, bool recover)
    {
        var client = await TestClient.ConnectAsync(uri);
        if (!recover)
        {
            Track(client.Ack);
            return client;
        }

        // The fallback's open ack carries the session's newest seq, not this receiver's: recover from our own.

        await client.SendAsync(new { type = "connection-init", data = new { clientType = "drain-test", lastSeq = _lastSeq, epoch = _epoch } });
        while (true)
        {
            var frame = await client.ReceiveAsync(Wait);
            Track(frame);
            if (frame["type"]?.GetValue<string>() == "connection-ack")
            {
                RecoveryAck = frame;
                return client;
            }
        }
    }

    private async Task<WebSocketCloseStatus?> ReadUntilClosedAsync(TestClient client, CancellationToken stop)
    {
        try
        {
            while (await client.ReceiveTextAsync(Timeout.InfiniteTimeSpan).WaitAsync(stop) is { } text)
            {
                Track(JsonNode.Parse(text)!.AsObject());
            }

            return client.CloseStatus;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
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
