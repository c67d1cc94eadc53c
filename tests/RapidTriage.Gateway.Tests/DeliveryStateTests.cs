using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// The connection's delivery state (hold, replay cursor, live, de-duplication) on its own, with a fake clock and
/// an in-memory history that answers replay pages as the session does.
/// </summary>
public sealed class DeliveryStateTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private static readonly byte[] AckBytes = Encoding.UTF8.GetBytes("{\"type\":\"connection-ack\"}");

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Hold_MoreThanTheQueueArrives_NothingBufferedAndAllSentInOrderAfterGrace()
    {
        var (state, history, time, closes) = Create(queueBytes: 64 * 1024);
        state.Opened(AckBytes, "e1", 0);

        // 4 MiB of events while the client has not sent connection-init: 64 times the queue.
        for (var seq = 1; seq <= 1000; seq++)
        {
            state.Deliver(history.Add(seq, size: 4096));
        }

        Assert.Equal(DeliveryPhase.Holding, state.Phase);
        Assert.Equal(AckBytes.Length, state.QueuedBytes);
        time.Advance(Grace);

        var sent = await DrainEventsAsync(state, 1000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), sent);
        Assert.Empty(closes);
        Assert.Equal(DeliveryPhase.Live, state.Phase);
        Assert.True(history.LargestPageBytes <= 64 * 1024, $"a page of {history.LargestPageBytes} bytes");

        state.Deliver(history.Add(1001, size: 10));
        Assert.Equal([1001L], await DrainEventsAsync(state, 1));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Replay_ReaderNotDraining_QueueStaysNearTheBoundAndNeverCloses()
    {
        var (state, history, _, closes) = Create(queueBytes: 64 * 1024);
        for (var seq = 1; seq <= 500; seq++)
        {
            history.Add(seq, size: 4096);
        }

        state.Opened(AckBytes, "e1", 500);
        state.BeginInit(0);
        state.CompleteInit(history.Init(0), askedLastSeq: true, (_, _) => AckBytes);

        // Nothing reads the queue: the replay fills it to its low-water mark plus a page and waits.
        await WaitUntilAsync(() => history.Reads > 0);
        // Proving that nothing happens: a moment later the replay still holds at its bound and read no further.
        await Task.Delay(200);
        Assert.InRange(state.QueuedBytes, 1, (64 * 1024) + (64 * 1024));
        Assert.Empty(closes);

        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), await DrainEventsAsync(state, 500));
        Assert.Empty(closes);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Init_InFlightPastTheGracePeriod_HoldLastsUntilItsAnswer()
    {
        var (state, history, time, _) = Create();
        for (var seq = 1; seq <= 10; seq++)
        {
            history.Add(seq, size: 10);
        }

        state.Opened(AckBytes, "e1", 10);
        Assert.Equal(5, state.BeginInit(5));
        time.Advance(Grace * 3);
        state.Deliver(history.Add(11, size: 10));
        state.Deliver(history.Add(12, size: 10));

        Assert.Equal(DeliveryPhase.Holding, state.Phase);
        Assert.Equal(AckBytes.Length, state.QueuedBytes);

        var recoveryAck = Encoding.UTF8.GetBytes("{\"type\":\"connection-ack\",\"recovered\":true}");
        state.CompleteInit(history.Init(5), askedLastSeq: true, (recovered, _) => recovered == true ? recoveryAck : AckBytes);

        Assert.Equal(QueueTake.Frame, state.TryTake(out var first));
        Assert.Equal(AckBytes, first.Payload);
        Assert.Equal(QueueTake.Frame, state.TryTake(out var second));
        Assert.Equal(recoveryAck, second.Payload);
        Assert.Equal([6L, 7, 8, 9, 10, 11, 12], await DrainEventsAsync(state, 7));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Init_SessionCallFailsAfterTheGracePeriod_HoldEndsThen()
    {
        var (state, history, time, _) = Create();
        state.Opened(AckBytes, "e1", 0);
        state.BeginInit(null);
        time.Advance(Grace * 2);
        state.Deliver(history.Add(1, size: 10));
        Assert.Equal(DeliveryPhase.Holding, state.Phase);

        state.InitFailed();

        Assert.Equal([1L], await DrainEventsAsync(state, 1));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Replay_HistoryTrimmedUnderIt_ClosesInsteadOfSkipping()
    {
        var (state, history, _, closes) = Create(queueBytes: 8 * 1024);
        for (var seq = 1; seq <= 100; seq++)
        {
            history.Add(seq, size: 1024);
        }

        state.Opened(AckBytes, "e1", 100);
        state.BeginInit(0);
        state.CompleteInit(history.Init(0), askedLastSeq: true, (_, _) => AckBytes);
        await WaitUntilAsync(() => history.Reads > 0);

        // The client reads slowly; meanwhile history drops what the replay has not reached yet.
        history.TrimThrough(50);
        var sent = await DrainEventsAsync(state, int.MaxValue);

        Assert.True(sent.Count < 50, $"{sent.Count} events sent");
        Assert.Equal(Enumerable.Range(1, sent.Count).Select(i => (long)i), sent);
        var (code, reason) = Assert.Single(closes);
        Assert.Equal(CloseCodes.SlowConsumer, code);
        Assert.Contains(RecoveryReasons.HistoryTruncated, reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Live_EventAlreadySentByReplay_IsNotSentTwice()
    {
        var (state, history, time, _) = Create();
        state.Opened(AckBytes, "e1", 0);
        var first = history.Add(1, size: 10);
        var second = history.Add(2, size: 10);
        state.Deliver(first);
        time.Advance(Grace);
        Assert.Equal([1L, 2], await DrainEventsAsync(state, 2));

        // Fan-out lag: the session delivers what the replay already read.
        state.Deliver(second);
        state.Deliver(history.Add(3, size: 10));

        Assert.Equal([3L], await DrainEventsAsync(state, 1));
        Assert.Equal(QueueTake.Empty, state.TryTake(out _));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Rewind_WhileLive_EventsTheSessionNeverDeliveredAreReadFromHistoryBeforeNewerOnes()
    {
        var (state, history, time, _) = Create();
        state.Opened(AckBytes, "e1", 0);
        time.Advance(Grace);
        state.Deliver(history.Add(1, size: 10));
        Assert.Equal([1L], await DrainEventsAsync(state, 1));
        Assert.Equal(DeliveryPhase.Live, state.Phase);

        // The session lost its roster: 2 and 3 were stamped while this connection was not in it.
        history.Add(2, size: 10);
        history.Add(3, size: 10);
        state.Deliver(new Delivery(DeliveryKind.Rewind, 1, [], ["c"]));
        state.Deliver(history.Add(4, size: 10));

        Assert.Equal([2L, 3, 4], await DrainEventsAsync(state, 3));
        await WaitUntilAsync(() => state.Phase == DeliveryPhase.Live);
        state.Deliver(history.Add(5, size: 10));
        Assert.Equal([5L], await DrainEventsAsync(state, 1));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Live_ReceiverNotReading_ClosesWith4108()
    {
        var (state, history, time, closes) = Create(queueBytes: 8 * 1024);
        state.Opened(AckBytes, "e1", 0);
        time.Advance(Grace);
        await WaitUntilAsync(() => state.Phase == DeliveryPhase.Live);

        for (var seq = 1; seq <= 20; seq++)
        {
            state.Deliver(history.Add(seq, size: 1024));
        }

        Assert.Contains(closes, c => c.Code == CloseCodes.SlowConsumer);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task LateInit_NewerEventsAlreadySent_AckSaysNotRecovered()
    {
        var (state, history, time, _) = Create();
        state.Opened(AckBytes, "e1", 0);
        time.Advance(Grace);
        await WaitUntilAsync(() => state.Phase == DeliveryPhase.Live);
        state.Deliver(history.Add(1, size: 10));
        state.Deliver(history.Add(2, size: 10));

        Assert.Null(state.BeginInit(1));
        string? reason = null;
        state.CompleteInit(history.Init(1), askedLastSeq: true, (_, r) =>
        {
            reason = r;
            return AckBytes;
        });

        Assert.Equal(RecoveryReasons.LateInit, reason);
        Assert.Equal([1L, 2], await DrainEventsAsync(state, 2));
    }

    [Fact]
    public void Messages_DuringHold_WaitAndGoOutAfterTheAck()
    {
        var (state, history, _, _) = Create();
        state.Opened(AckBytes, "e1", 0);
        var joined = Encoding.UTF8.GetBytes("{\"type\":\"member-joined\"}");
        state.Deliver(new Delivery(DeliveryKind.Message, 0, joined, ["c"]));
        Assert.Equal(AckBytes.Length, state.QueuedBytes);

        state.BeginInit(null);
        state.CompleteInit(history.Init(null), askedLastSeq: false, (_, _) => AckBytes);

        var frames = new List<byte[]>();
        while (state.TryTake(out var item) == QueueTake.Frame)
        {
            frames.Add(item.Payload);
        }

        Assert.Equal([AckBytes, AckBytes, joined], frames);
    }

    private static (DeliveryState State, FakeHistory History, FakeTimeProvider Time, List<(int Code, string Reason)> Closes) Create(long queueBytes = 1024 * 1024)
    {
        var time = new FakeTimeProvider();
        var history = new FakeHistory("e1");
        var owner = new Owner(history);
        var state = owner.State = new DeliveryState(new DeliveryLimits(queueBytes, Grace), time, owner);
        return (state, history, time, owner.Closes);
    }

    /// <summary>Reads the queue as a send loop does; returns the events' seqs once <paramref name="count"/> came or the queue ended or went quiet.</summary>
    private static async Task<List<long>> DrainEventsAsync(DeliveryState state, int count)
    {
        var seqs = new List<long>();
        var quietFor = TimeSpan.FromSeconds(count == int.MaxValue ? 1 : 5);
        while (seqs.Count < count)
        {
            var take = state.TryTake(out var item);
            if (take == QueueTake.Closed)
            {
                break;
            }

            // Empty: the queue asks for a sender again (SendReady) when the next frame is enqueued.
            if (take == QueueTake.Empty)
            {
                if (!await Owner.Of(state).Ready.WaitAsync(quietFor))
                {
                    break;
                }

                continue;
            }

            if (item.Seq > 0)
            {
                seqs.Add(item.Seq);
            }
        }

        return seqs;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => Eventually.TrueAsync(condition, TimeSpan.FromSeconds(5), "condition reached");

    /// <summary>A session's history as <see cref="ISessionGrain.ReadReplay"/> serves it: pages, gaps, trims.</summary>
    private sealed class FakeHistory(string epoch)
    {
        private readonly List<StoredEvent> _events = [];
        private long _trimmedThrough;

        public int Reads { get; private set; }

        public long LargestPageBytes { get; private set; }

        public Delivery Add(long seq, int size)
        {
            var payload = Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"type\":\"console-log\",\"data\":\"{new string('x', size)}\"}}");
            lock (_events)
            {
                _events.Add(new StoredEvent(seq, "console-log", payload, "other"));
            }

            return new Delivery(DeliveryKind.Event, seq, payload, ["c"]);
        }

        public void TrimThrough(long seq)
        {
            lock (_events)
            {
                _events.RemoveAll(e => e.Seq <= seq);
                _trimmedThrough = seq;
            }
        }

        public InitResult Init(long? lastSeq)
        {
            lock (_events)
            {
                var last = _events.Count == 0 ? 0 : _events[^1].Seq;
                return lastSeq is null ? new InitResult(epoch, last, null, null) : new InitResult(epoch, last, true, null);
            }
        }

        public Task<ReplayPage> ReadAsync(string askedEpoch, long afterSeq, int maxEvents, int maxBytes, CancellationToken cancellationToken)
        {
            lock (_events)
            {
                Reads++;
                var last = _events.Count == 0 ? _trimmedThrough : _events[^1].Seq;
                if (askedEpoch != epoch)
                {
                    return Task.FromResult(new ReplayPage([], afterSeq, last, RecoveryReasons.EpochMismatch));
                }

                if (afterSeq < _trimmedThrough)
                {
                    return Task.FromResult(new ReplayPage([], afterSeq, last, RecoveryReasons.HistoryTruncated));
                }

                var page = ImmutableArray.CreateBuilder<StoredEvent>();
                long bytes = 0;
                foreach (var item in _events.Where(e => e.Seq > afterSeq))
                {
                    if (page.Count >= maxEvents || (page.Count > 0 && bytes + item.Payload.Length > maxBytes))
                    {
                        LargestPageBytes = Math.Max(LargestPageBytes, bytes);
                        return Task.FromResult(new ReplayPage(page.ToImmutable(), item.Seq - 1, last, null));
                    }

                    page.Add(item);
                    bytes += item.Payload.Length;
                }

                LargestPageBytes = Math.Max(LargestPageBytes, bytes);
                return Task.FromResult(new ReplayPage(page.ToImmutable(), last, last, null));
            }
        }
    }

    /// <summary>The connection's side, as a test sees it: replay pages from a fake history, closes recorded, sender wake-ups counted.</summary>
    private sealed class Owner(FakeHistory history) : IDeliveryOwner
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DeliveryState, Owner> Owners = [];

        public List<(int Code, string Reason)> Closes { get; } = [];

        public SemaphoreSlim Ready { get; } = new(0);

        public DeliveryState State
        {
            get => field!;
            set
            {
                field = value;
                Owners.Add(value, this);
            }
        }

        public static Owner Of(DeliveryState state) => Owners.TryGetValue(state, out var owner) ? owner : throw new InvalidOperationException("no owner");

        public Task<ReplayPage> ReadReplayAsync(string epoch, long afterSeq, int maxEvents, int maxBytes, CancellationToken cancellationToken) =>
            history.ReadAsync(epoch, afterSeq, maxEvents, maxBytes, cancellationToken);

        public void CloseForDelivery(int code, string reason)
        {
            lock (Closes)
            {
                Closes.Add((code, reason));
            }

            State.Complete();
        }

        public void SendReady() => Ready.Release();
    }
}
