using System.Diagnostics;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests.Soak;

/// <summary>
/// One session's producer: an extension on its home gateway sending <c>console-log</c> events with
/// <c>"ack": true</c> at a steady rate. Whatever was not <c>publish-ack</c>ed when its socket closes, or was
/// answered with <c>error</c>, it sends again (same id) once connected again, to any gateway that answers.
/// </summary>
internal sealed class SoakProducer(LocalCluster cluster, string session, int home, int gateways, Stopwatch clock)
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, string> _unacked = [];
    private readonly SortedSet<long> _retry = [];

    public string Session { get; } = session;

    /// <summary>Reads the records while nothing is added to them.</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>Event number to the time it was first sent (ms on the soak clock).</summary>
    public Dictionary<long, double> FirstSent { get; } = [];

    /// <summary>Event number to every (epoch, seq) a <c>publish-ack</c> gave it.</summary>
    public Dictionary<long, List<(string Epoch, long Seq)>> Accepted { get; } = [];

    public Dictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

    public List<(double At, string ConnectionId)> MemberLeft { get; } = [];

    public List<(double At, string Epoch)> Epochs { get; } = [];

    public int Resent { get; private set; }

    public int Connections { get; private set; }

    public bool AckSeen { get; private set; }

    public long Sent => Interlocked.Read(ref _next);

    public int Unacked
    {
        get
        {
            lock (_gate)
            {
                return _unacked.Count;
            }
        }
    }

    private long _next;

    public static string EventId(string session, long n) => $"{session}-{n}";

    /// <summary>Sends until <paramref name="stopSending"/>, then keeps resending what is unacked until <paramref name="stop"/>.</summary>
    public async Task RunAsync(int eventsPerSecond, CancellationToken stopSending, CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1.0 / eventsPerSecond);
        var due = clock.Elapsed;
        Peer? peer = null;
        Task? reader = null;
        var gateway = home;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (peer is null || peer.IsClosed)
                {
                    if (peer is not null)
                    {
                        await peer.DisposeAsync();
                        await reader!;
                        RequeueUnacked();
                    }

                    (peer, gateway) = await ConnectAsync(gateway, stop);
                    if (peer is null)
                    {
                        break;
                    }

                    Connections++;
                    lock (_gate)
                    {
                        Epochs.Add((clock.Elapsed.TotalMilliseconds, peer.Epoch));
                    }

                    reader = ReadAsync(peer);
                }

                var retries = TakeRetries();
                for (var i = 0; i < retries.Count; i++)
                {
                    if (!await peer.SendAsync(Event(retries[i])))
                    {
                        // The socket closed under us: these go again on the next one.
                        retries.Skip(i).ToList().ForEach(Retry);
                        break;
                    }

                    Resent++;
                }

                var finished = AckSeen && Unacked == 0;
                if (stopSending.IsCancellationRequested)
                {
                    if (finished)
                    {
                        break;
                    }
                }
                else if (clock.Elapsed >= due)
                {
                    var n = Interlocked.Increment(ref _next);
                    lock (_gate)
                    {
                        FirstSent[n] = clock.Elapsed.TotalMilliseconds;
                        _unacked[n] = EventId(Session, n);
                    }

                    if (!await peer.SendAsync(Event(n)))
                    {
                        Retry(n);
                    }

                    due += interval;
                    continue;
                }

                // The producer's own pace (the plan's rate), not a wait for the relay.
                await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            }
        }
        finally
        {
            if (peer is not null)
            {
                await peer.DisposeAsync();
                await reader!;
            }
        }
    }

    private object Event(long n) => new { type = "console-log", id = EventId(Session, n), ack = true, data = new { n, session = Session } };

    private async Task<(Peer?, int)> ConnectAsync(int preferred, CancellationToken stop)
    {
        // Home first; while it is down, any other.
        for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
        {
            var gateway = attempt % 2 == 0 ? home : (home + 1) % gateways;
            try
            {
                return (await Peer.ExtensionAsync(cluster, gateway, Session), gateway);
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException or HttpRequestException)
            {
                // Reconnect backoff, as a real client does while its gateway or the cluster is down.
                await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
            }
        }

        return (null, preferred);
    }

    private async Task ReadAsync(Peer peer)
    {
        while (await peer.ReceiveAsync(TimeSpan.FromSeconds(1)) is var frame && (frame is not null || !peer.IsClosed))
        {
            if (frame is null)
            {
                continue;
            }

            var now = clock.Elapsed.TotalMilliseconds;
            switch (frame["type"]?.GetValue<string>())
            {
                case "publish-ack":
                    OnAck(frame, peer.Epoch);
                    break;
                case "error":
                    OnError(frame);
                    break;
                case "member-left":
                    lock (_gate)
                    {
                        MemberLeft.Add((now, frame["data"]?["connectionId"]?.GetValue<string>() ?? ""));
                    }

                    break;
                default:
                    break;
            }
        }
    }

    private void OnAck(JsonObject frame, string connectionEpoch)
    {
        if (Number(frame["id"]?.GetValue<string>()) is not { } n)
        {
            return;
        }

        var seq = frame["data"]?["seq"]?.GetValue<long>() ?? frame["seq"]?.GetValue<long>() ?? 0;
        var epoch = frame["data"]?["epoch"]?.GetValue<string>() ?? connectionEpoch;
        lock (_gate)
        {
            AckSeen = true;
            _unacked.Remove(n);
            _retry.Remove(n);
            if (!Accepted.TryGetValue(n, out var list))
            {
                Accepted[n] = list = [];
            }

            if (!list.Contains((epoch, seq)))
            {
                list.Add((epoch, seq));
            }
        }
    }

    private void OnError(JsonObject frame)
    {
        var code = frame["data"]?["code"]?.GetValue<string>() ?? "?";
        lock (_gate)
        {
            Errors[code] = Errors.GetValueOrDefault(code) + 1;
            if (Number(frame["data"]?["refId"]?.GetValue<string>()) is { } n && _unacked.ContainsKey(n))
            {
                _retry.Add(n);
            }
        }
    }

    private long? Number(string? id) =>
        id is not null && id.StartsWith(Session + "-", StringComparison.Ordinal) && long.TryParse(id.AsSpan(Session.Length + 1), out var n) ? n : null;

    private void Retry(long n)
    {
        lock (_gate)
        {
            _retry.Add(n);
        }
    }

    /// <summary>
    /// After a close: everything not acked goes again, oldest first (the session drops what it already accepted).
    /// A relay that never sends <c>publish-ack</c> gives nothing to go by: then only what was answered with
    /// <c>error</c> is sent again.
    /// </summary>
    private void RequeueUnacked()
    {
        lock (_gate)
        {
            if (!AckSeen)
            {
                return;
            }

            _retry.UnionWith(_unacked.Keys);
        }
    }

    private List<long> TakeRetries()
    {
        lock (_gate)
        {
            var due = _retry.ToList();
            _retry.Clear();
            return due;
        }
    }
}
