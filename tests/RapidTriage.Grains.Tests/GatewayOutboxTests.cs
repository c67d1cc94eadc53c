using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using RapidTriage.Contracts;
using RapidTriage.Testing;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// The per-gateway outbox on a real silo: its calls go from the silo, outside any grain, to an observer of the
/// test client (the gateway), through the same kind of reference a session grain holds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GatewayOutboxTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private IServiceProvider Silo => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TryEnqueue_ManySessionsWhileACallIsInFlight_NextCallCarriesAllInEachSessionsOrder()
    {
        var (gateway, reference) = NewGateway();
        var outbox = NewOutbox(reference, maxBatchBytes: 1 << 20);
        gateway.Hold();
        var first = Enqueue(outbox, Batch("first", 1));
        Assert.True(await gateway.WaitForCallsAsync(1));

        var sessions = Enumerable.Range(0, 50).Select(i => $"s{i:00}").ToList();
        var queued = new List<Task>();
        for (var seq = 1; seq <= 3; seq++)
        {
            queued.AddRange(sessions.Select(s => Enqueue(outbox, Batch(s, seq))));
        }

        await Task.Delay(200);
        Assert.Single(gateway.Calls);
        Assert.False(first.IsCompleted);
        Assert.DoesNotContain(queued, t => t.IsCompleted);

        gateway.Release();
        await first.WaitAsync(Wait);
        await Task.WhenAll(queued).WaitAsync(Wait);

        Assert.Equal(2, gateway.Calls.Count);
        var next = gateway.Calls[1];
        Assert.Equal(150, next.Length);
        foreach (var session in sessions)
        {
            Assert.Equal([1L, 2, 3], next.Where(b => b.SessionId == session).Select(b => b.Deliveries.Single().Seq));
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TryEnqueue_CallFails_FaultsExactlyTheBatchesOfThatCall()
    {
        var (gateway, reference) = NewGateway();
        // Each batch below counts 16 bytes: two go in one call.
        var outbox = NewOutbox(reference, maxBatchBytes: 32);
        gateway.Hold();
        var first = Enqueue(outbox, Batch("held", 1));
        Assert.True(await gateway.WaitForCallsAsync(1));
        var queued = Enumerable.Range(0, 4).Select(i => Enqueue(outbox, Batch($"x{i}", 1))).ToList();
        gateway.FailWhen(call => call.Any(b => b.SessionId == "x0"));

        gateway.Release();

        await first.WaitAsync(Wait);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => queued[0].WaitAsync(Wait));
        Assert.Contains("refused by the test gateway", failed.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued[1].WaitAsync(Wait));
        await queued[2].WaitAsync(Wait);
        await queued[3].WaitAsync(Wait);
        Assert.Equal([["held"], ["x0", "x1"], ["x2", "x3"]], gateway.Calls.Select(SessionIds));

        // The outbox goes on after a failed call.
        gateway.FailWhen(_ => false);
        await Enqueue(outbox, Batch("x0", 2)).WaitAsync(Wait);
        Assert.Equal(4, gateway.Calls.Count);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TryEnqueue_MoreThanMaxBatchBytesQueued_SplitsIntoCallsInOrderAndSendsALargeBatchAlone()
    {
        var (gateway, reference) = NewGateway();
        var outbox = NewOutbox(reference, maxBatchBytes: 32);
        gateway.Hold();
        var first = Enqueue(outbox, Batch("held", 1));
        Assert.True(await gateway.WaitForCallsAsync(1));
        var queued = Enumerable.Range(0, 5).Select(i => Enqueue(outbox, Batch($"x{i}", 1))).ToList();
        queued.Add(Enqueue(outbox, Batch("xl", 1, payloadBytes: 100)));
        queued.Add(Enqueue(outbox, Batch("y0", 1)));

        gateway.Release();

        await first.WaitAsync(Wait);
        await Task.WhenAll(queued).WaitAsync(Wait);
        Assert.Equal([["held"], ["x0", "x1"], ["x2", "x3"], ["x4"], ["xl"], ["y0"]], gateway.Calls.Select(SessionIds));
        Assert.Equal(16, GatewayOutbox.SizeOf(Batch("x0", 1)));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TryEnqueue_CallNotAnsweredInTime_FaultsItsBatchesAndTheNextCallGoesOut()
    {
        var (gateway, reference) = NewGateway();
        var outbox = NewOutbox(reference, maxBatchBytes: 1 << 20, callTimeout: TimeSpan.FromMilliseconds(500));
        gateway.Hold();
        var stuck = Enqueue(outbox, Batch("a", 1));
        Assert.True(await gateway.WaitForCallsAsync(1));

        await Assert.ThrowsAsync<TimeoutException>(() => stuck.WaitAsync(Wait));
        // Faulted long before Orleans' own response timeout; the outbox goes on with the next call (the test
        // client runs one call at a time, so it sees the second once the first is let through).
        var next = Enqueue(outbox, Batch("b", 1));
        gateway.Release();
        await next.WaitAsync(Wait);
        Assert.Equal([["a"], ["b"]], gateway.Calls.Select(SessionIds));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task EnqueueAsync_TwoObserversUnderOneGatewayId_EachGetsOnlyItsOwnSessionsBatches()
    {
        var outboxes = new GatewayOutboxes(Options.Create(new SessionOptions()), TimeProvider.System, Logger());
        var (first, firstReference) = NewGateway();
        var (second, secondReference) = NewGateway();

        await outboxes.EnqueueAsync("gw-shared", firstReference, Batch("s1", 1)).WaitAsync(Wait);
        await outboxes.EnqueueAsync("gw-shared", secondReference, Batch("s2", 1)).WaitAsync(Wait);
        await outboxes.EnqueueAsync("gw-shared", firstReference, Batch("s1", 2)).WaitAsync(Wait);

        Assert.Equal([["s1"], ["s1"]], first.Calls.Select(SessionIds));
        Assert.Equal([["s2"]], second.Calls.Select(SessionIds));
        Assert.Equal(["gw-shared"], outboxes.GatewayIds);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task EnqueueAsync_OutboxUnusedLongerThanObserverExpiry_IsDroppedButOneInFlightIsKept()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new SessionOptions { Cluster = { ObserverExpiry = TimeSpan.FromSeconds(10), OutboxCallTimeout = TimeSpan.FromHours(1) } };
        var outboxes = new GatewayOutboxes(Options.Create(options), time, Logger());
        var (idle, idleReference) = NewGateway();
        var (busy, busyReference) = NewGateway();

        await outboxes.EnqueueAsync("gw-idle", idleReference, Batch("a", 1)).WaitAsync(Wait);
        busy.Hold();
        var held = outboxes.EnqueueAsync("gw-busy", busyReference, Batch("b", 1));
        Assert.True(await busy.WaitForCallsAsync(1));
        time.Advance(TimeSpan.FromSeconds(11));
        await outboxes.EnqueueAsync("gw-other", idleReference, Batch("c", 1)).WaitAsync(Wait);

        Assert.Equal(["gw-busy", "gw-other"], outboxes.GatewayIds.Order());

        busy.Release();
        await held.WaitAsync(Wait);
        time.Advance(TimeSpan.FromSeconds(11));
        await outboxes.EnqueueAsync("gw-idle", idleReference, Batch("a", 2)).WaitAsync(Wait);

        Assert.Equal(["gw-idle"], outboxes.GatewayIds);
        Assert.Equal([1L, 1, 2], idle.Calls.Select(c => c.Single().Deliveries.Single().Seq));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task EnqueueAsync_FromAGrain_ResumesOnTheGrainsOwnScheduler()
    {
        var gateway = new GatedObserver();
        var reference = fixture.Grains.CreateObjectReference<ISessionObserver>(gateway);
        var probe = fixture.Grains.GetGrain<IOutboxProbeGrain>(ClusterFixture.NewSession());
        gateway.Hold();

        // The outbox completes the grain's task from the thread pool, after the gateway answered.
        var resumed = probe.EnqueueAndCheckResume("gw-probe-" + Guid.NewGuid().ToString("N")[..8], reference);
        Assert.True(await gateway.WaitForCallsAsync(1));
        Assert.False(resumed.IsCompleted);
        gateway.Release();

        Assert.True(await resumed.WaitAsync(Wait));
    }

    private static Task Enqueue(GatewayOutbox outbox, SessionBatch batch)
    {
        Assert.True(outbox.TryEnqueue(batch, out var delivered));
        return delivered;
    }

    /// <summary>One event for connection <c>c-{session}</c>; counts session id + payload + target bytes.</summary>
    private static SessionBatch Batch(string session, long seq, int payloadBytes = 10) =>
        new(session, [new Delivery(DeliveryKind.Event, seq, new byte[payloadBytes], [$"c-{session}"])]);

    private static string[] SessionIds(ImmutableArray<SessionBatch> call) => [.. call.Select(b => b.SessionId)];

    private GatewayOutbox NewOutbox(ISessionObserver reference, long maxBatchBytes, TimeSpan? callTimeout = null) =>
        new("gw-" + Guid.NewGuid().ToString("N")[..8], reference, maxBatchBytes, callTimeout ?? Wait, TimeProvider.System, Logger());

    private ILogger<GatewayOutbox> Logger() => Silo.GetRequiredService<ILogger<GatewayOutbox>>();

    /// <summary>
    /// A gateway observer of the test client, and the reference to it as a session grain on the silo holds it
    /// (bound to the silo's runtime): calls through it go from the silo to the client.
    /// </summary>
    private (GatedObserver Gateway, ISessionObserver Reference) NewGateway()
    {
        var gateway = new GatedObserver();
        var clientReference = fixture.Grains.CreateObjectReference<ISessionObserver>(gateway);
        var reference = Silo.GetRequiredService<IGrainFactory>().GetGrain<ISessionObserver>(clientReference.GetGrainId());
        return (gateway, reference);
    }
}
