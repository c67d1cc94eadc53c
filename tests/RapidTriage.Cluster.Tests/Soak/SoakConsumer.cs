using System.Diagnostics;
using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests.Soak;

/// <summary>
/// One session's consumer: an MCP client on its home gateway that records every event it receives and, when
/// its socket closes, reconnects (home first, else any gateway) with <c>lastSeq</c> and <c>epoch</c>, recording
/// what each <c>connection-ack</c> promised.
/// </summary>
internal sealed class SoakConsumer(LocalCluster cluster, string session, int home, int gateways, Stopwatch clock)
{
    private readonly Lock _gate = new();

    public string Session { get; } = session;

    /// <summary>Reads the records while nothing is added to them.</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    public List<SoakConnection> Connections { get; } = [];

    public List<SoakReceipt> Receipts { get; } = [];

    public List<(double At, string ConnectionId)> MemberLeft { get; } = [];

    /// <summary>The gateway and connection id of the socket open now, if any.</summary>
    public (int Gateway, string ConnectionId)? Current { get; private set; }

    /// <summary>The newest seq received (or acked at join) in <see cref="Epoch"/>.</summary>
    public long LastSeq { get; private set; }

    public string Epoch { get; private set; } = "";

    public int ReceiptCount
    {
        get
        {
            lock (_gate)
            {
                return Receipts.Count;
            }
        }
    }

    public async Task ConnectFirstAsync(CancellationToken stop)
    {
        var peer = await ConnectAsync(first: true, stop) ?? throw new InvalidOperationException($"consumer of {Session} could not connect");
        _peer = peer;
    }

    private Peer? _peer;

    public async Task RunAsync(CancellationToken stop)
    {
        var peer = _peer ?? throw new InvalidOperationException("ConnectFirstAsync first");
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await ReadAsync(peer, stop);
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                lock (_gate)
                {
                    var last = Connections[^1];
                    Connections[^1] = last with { ClosedAt = clock.Elapsed.TotalMilliseconds, CloseStatus = (int?)peer.CloseStatus };
                    Current = null;
                }

                await peer.DisposeAsync();
                var next = await ConnectAsync(first: false, stop);
                if (next is null)
                {
                    return;
                }

                peer = next;
            }
        }
        finally
        {
            await peer.DisposeAsync();
        }
    }

    private async Task<Peer?> ConnectAsync(bool first, CancellationToken stop)
    {
        for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
        {
            var gateway = attempt % 2 == 0 ? home : (home + 1) % gateways;
            object init = first
                ? new { clientType = "mcp-server" }
                : new { clientType = "mcp-server", lastSeq = LastSeq, epoch = Epoch };
            try
            {
                var peer = await Peer.McpAsync(cluster, gateway, Session, init);
                var data = peer.InitAck!["data"]!;
                var epoch = data["epoch"]!.GetValue<string>();
                var ackLastSeq = data["lastSeq"]!.GetValue<long>();
                var opened = peer.OpenAck["data"]!;
                bool? recovered = first ? null : data["recovered"]?.GetValue<bool>();
                lock (_gate)
                {
                    Connections.Add(new SoakConnection(
                        Connections.Count, gateway, peer.ConnectionId, clock.Elapsed.TotalMilliseconds, epoch, ackLastSeq,
                        recovered, data["reason"]?.GetValue<string>(), (LastSeq, Epoch), null, null,
                        opened["epoch"]!.GetValue<string>(), opened["lastSeq"]!.GetValue<long>()));
                    Current = (gateway, peer.ConnectionId);
                    if (recovered != true)
                    {
                        // A fresh start: from here on the consumer expects what came after its socket opened.
                        Epoch = epoch;
                        LastSeq = Connections[^1].StreamStart;
                    }
                }

                return peer;
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException or HttpRequestException or NullReferenceException)
            {
                // Reconnect backoff, as a real client does while its gateway or the cluster is down.
                await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
            }
        }

        return null;
    }

    private async Task ReadAsync(Peer peer, CancellationToken stop)
    {
        var connection = Connections.Count - 1;
        var early = new Queue<System.Text.Json.Nodes.JsonObject>(peer.BeforeInitAck);
        while (!stop.IsCancellationRequested)
        {
            var frame = early.Count > 0 ? early.Dequeue() : await peer.ReceiveAsync(TimeSpan.FromMilliseconds(500));
            if (frame is null)
            {
                if (peer.IsClosed)
                {
                    return;
                }

                continue;
            }

            var type = frame["type"]?.GetValue<string>();
            var now = clock.Elapsed.TotalMilliseconds;
            if (type == "console-log" && frame["seq"] is { } seqNode)
            {
                var seq = seqNode.GetValue<long>();
                lock (_gate)
                {
                    Receipts.Add(new SoakReceipt(connection, seq, frame["id"]?.GetValue<string>() ?? "", now));
                    LastSeq = seq;
                }
            }
            else if (type == "member-left")
            {
                lock (_gate)
                {
                    MemberLeft.Add((now, frame["data"]?["connectionId"]?.GetValue<string>() ?? ""));
                }
            }
        }
    }
}

/// <summary>One socket of a consumer: what its <c>connection-ack</c> said and where the consumer stood when it asked.</summary>
internal sealed record SoakConnection(
    int Index,
    int Gateway,
    string ConnectionId,
    double OpenedAt,
    string Epoch,
    long AckLastSeq,
    bool? Recovered,
    string? Reason,
    (long LastSeq, string Epoch) AskedFrom,
    double? ClosedAt,
    int? CloseStatus,
    string OpenEpoch,
    long OpenLastSeq)
{
    /// <summary>
    /// Where the socket's stream starts when it did not recover: after the open ack's <c>lastSeq</c> (events stamped
    /// while the relay waited for <c>connection-init</c> are the socket's too), or after the init ack's when the
    /// epoch changed in between.
    /// </summary>
    public long StreamStart => OpenEpoch == Epoch ? Math.Min(OpenLastSeq, AckLastSeq) : AckLastSeq;
}

internal sealed record SoakReceipt(int Connection, long Seq, string Id, double At);
