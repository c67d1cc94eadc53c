using System.Diagnostics;

namespace RapidTriage.LoadGen;

/// <summary>
/// Sessions under load: each has one producer and some consumers, connected once and then driven through
/// one or more paced runs. Message <c>n</c> goes out through producer <c>n mod sessions</c>.
/// </summary>
internal sealed class SessionGroup : IAsyncDisposable
{
    private const int ConsumerBuffer = 16 * 1024;
    private readonly Target _target;
    private readonly LoadClient[] _producers;
    private readonly LoadClient[][] _consumers;
    private readonly long[] _lastN;
    private readonly CancellationTokenSource _stop = new();
    private LatencyRecorder _recorder = new(0, 0, 1);
    private long _nextN;

    private SessionGroup(Target target, int sessions, int consumers)
    {
        _target = target;
        _producers = new LoadClient[sessions];
        _consumers = new LoadClient[sessions][];
        for (var s = 0; s < sessions; s++)
        {
            _consumers[s] = new LoadClient[consumers];
        }

        _lastN = new long[sessions * consumers];
        Array.Fill(_lastN, -1);
    }

    public double ConnectSeconds { get; private set; }

    public int Connected => _producers.Count(p => p is not null) + _consumers.Sum(c => c.Count(x => x is not null));

    /// <summary>True once any socket of the group was closed by the server or failed: later runs are void.</summary>
    public bool Broken => AllClients().Any(c => c.ServerClose is not null || c.Aborted);

    /// <summary>Sockets of the group that the server closed or that failed.</summary>
    public int ClosedByServer => AllClients().Count(c => c.ServerClose is not null || c.Aborted);

    public static async Task<SessionGroup> ConnectAsync(Target target, int sessions, int consumers, int concurrency, CancellationToken cancellationToken)
    {
        var group = new SessionGroup(target, sessions, consumers);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions
            {
                MaxDegreeOfParallelism = concurrency,
                CancellationToken = cancellationToken,
            }, async (s, token) => await group.ConnectSessionAsync(s, token));
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }

        group.ConnectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return group;
    }

    /// <summary>Sends <paramref name="rate"/> messages/s in all for warm-up plus measured time; measures the latter.</summary>
    public async Task<RunResult> RunAsync(string scenario, RunSettings settings, double rate, IReadOnlyList<CounterProbe> counters, CancellationToken cancellationToken)
    {
        var sessions = _producers.Length;
        var consumers = _consumers[0].Length;
        var warm = (long)(rate * settings.WarmupSeconds);
        var measured = Math.Max(1, (long)(rate * settings.DurationSeconds));
        var first = _nextN + warm;
        var end = first + measured;
        var recorder = new LatencyRecorder(first, end, consumers);
        Volatile.Write(ref _recorder, recorder);
        var errorsBefore = AllClients().Sum(c => c.Errors);
        var payload = new Payload(settings.MessageBytes);
        var startN = _nextN;

        var load = ProcessProbe.LoadAverage();
        var serverCpu = ProcessProbe.CpuSeconds(_target.Pids);
        var ownCpu = ProcessProbe.CpuSeconds(Environment.ProcessId);
        var startedUtc = DateTime.UtcNow;
        var limit = TimeSpan.FromSeconds(((settings.WarmupSeconds + settings.DurationSeconds) * 1.5) + 2);
        var paced = await Pacer.RunAsync(rate, end - startN,
            i => _producers[(int)((startN + i) % sessions)].SendAsync(payload.Next(startN + i), cancellationToken),
            limit, cancellationToken);
        _nextN = startN + paced.Sent;
        var endedUtc = DateTime.UtcNow;

        var expected = Math.Max(0, Math.Min(end, _nextN) - first) * consumers;
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.DrainSeconds * Stopwatch.Frequency);
        while (recorder.Count < expected && Stopwatch.GetTimestamp() < deadline && !Broken)
        {
            await Task.Delay(10, cancellationToken);
        }

        var seconds = paced.Seconds;
        var serverCpuUsed = ProcessProbe.CpuSeconds(_target.Pids) - serverCpu;
        var ownCpuUsed = ProcessProbe.CpuSeconds(Environment.ProcessId) - ownCpu;
        double? allocatedPerMessage = null;
        if (counters.Count > 0 && paced.Sent > 0)
        {
            // Counters come once a second, stamped by the server: wait for the one that covers the end of the run.
            await Task.WhenAll(counters.Select(c => c.WaitPastAsync(endedUtc, TimeSpan.FromSeconds(10))));
            var allocated = counters.Select(c => c.AllocatedBetween(startedUtc, endedUtc)).ToList();
            allocatedPerMessage = allocated.Contains(null) ? null : allocated.Sum() / paced.Sent;
        }

        var latency = recorder.Summarize();
        var closes = AllClients().Where(c => c.ServerClose is not null).Select(c => (int)c.ServerClose!.Value).ToList();
        closes.AddRange(AllClients().Where(c => c.Aborted).Select(_ => -1));
        var errors = AllClients().Sum(c => c.Errors) - errorsBefore;
        var achieved = paced.Sent / Math.Max(seconds, 1e-9);
        var lost = expected - recorder.Count;
        var pass = latency.P99Us < settings.P99LimitMs * 1000 && lost == 0 && closes.Count == 0 && errors == 0
            && achieved >= rate * 0.97 && paced.Sent == end - startN;
        return new RunResult(
            _target.Name, scenario, rate, sessions, consumers, Math.Round(seconds, 3), paced.Sent, Math.Round(achieved, 1),
            expected, recorder.Count, lost, recorder.OutOfOrder, latency, closes, errors,
            serverCpuUsed is { } cpu ? Math.Round(cpu / seconds * 100, 1) : null,
            serverCpuUsed is { } used && paced.Sent > 0 ? Math.Round(used * 1e6 / paced.Sent, 2) : null,
            ownCpuUsed is { } own ? Math.Round(own / seconds * 100, 1) : null,
            allocatedPerMessage is { } a ? Math.Round(a) : null,
            Math.Round(paced.MaxLagMs, 2),
            pass,
            load);
    }

    public async ValueTask DisposeAsync()
    {
        // Closing handshakes first: cancelling a pending receive would abort the sockets instead.
        await Parallel.ForEachAsync(AllClients(), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (client, _) => await client.DisposeAsync());
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    private async Task ConnectSessionAsync(int s, CancellationToken cancellationToken)
    {
        var session = Target.NewSession("perf");
        var consumers = _consumers[s];
        for (var c = 0; c < consumers.Length; c++)
        {
            var client = await LoadClient.ConnectAsync(_target.Consumer(session), _target.RelayProtocol, "loadgen-consumer", cancellationToken);
            var slot = (s * consumers.Length) + c;
            client.StartReceiving(frame => OnConsumerFrame(frame, slot), ConsumerBuffer, _stop.Token);
            consumers[c] = client;
        }

        var producer = await LoadClient.ConnectAsync(_target.Producer(session), _target.RelayProtocol, "loadgen-producer", cancellationToken);
        producer.StartReceiving(static _ => { }, ConsumerBuffer, _stop.Token);
        _producers[s] = producer;
    }

    private void OnConsumerFrame(ReadOnlySpan<byte> frame, int slot)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var recorder = Volatile.Read(ref _recorder);
        var n = recorder.Record(frame, receivedAt);
        if (n < 0)
        {
            return;
        }

        if (n < _lastN[slot])
        {
            recorder.CountOutOfOrder();
        }

        _lastN[slot] = n;
    }

    private IEnumerable<LoadClient> AllClients() =>
        _producers.Where(p => p is not null).Concat(_consumers.SelectMany(c => c).Where(c => c is not null));
}

/// <summary>How a paced run is shaped.</summary>
internal sealed record RunSettings(double WarmupSeconds, double DurationSeconds, int MessageBytes, double DrainSeconds, double P99LimitMs);
