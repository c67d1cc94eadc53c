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
        var outbox = NewOutbox(maxBatchBytes: 1 << 20);
        gateway.Hold();
        var first = Enqueue(outbox, reference, Batch("first", 1));
        Assert.True(await gateway.WaitForCallsAsync(1));

        var sessions = Enumerable.Range(0, 50).Select(i => $"s{i:00}").ToList();
        var queued = new List<Task>();
        for (var seq = 1; seq <= 3; seq++)
        {
            queued.AddRange(sessions.Select(s => Enqueue(outbox, reference, Batch(s, seq))));
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
        var outbox = NewOutbox(maxBatchBytes: 32);
        gateway.Hold();
        var first = Enqueue(outbox, reference, Batch("held", 1));
        Assert.True(await gateway.WaitForCallsAsync(1));
        var queued = Enumerable.Range(0, 4).Select(i => Enqueue(outbox, reference, Batch($"x{i}", 1))).ToList();
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
        await Enqueue(outbox, reference, Batch("x0", 2)).WaitAsync(Wait);
        Assert.Equal(4, gateway.Calls.Count);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TryEnqueue_MoreThanMaxBatchBytesQueued_SplitsIntoCallsInOrderAndSendsALargeBatchAlone()
    {
        var (gateway, reference) = NewGateway();
        var outbox = NewOutbox(maxBatchBytes: 32);
        gateway.Hold();
        var first = Enqueue(outbox, reference, Batch("held", 1));
        Assert.True(await gateway.WaitForCallsAsync(1));
        var queued = Enumerable.Range(0, 5).Select(i => Enqueue(outbox, reference, Batch($"x{i}", 1))).ToList();
        queued.Add(Enqueue(outbox, reference, Batch("xl", 1, payloadBytes: 100)));
        queued.Add(Enqueue(outbox, reference, Batch("y0", 1)));

        gateway.Release();

        await first.WaitAsync(Wait);
        await Task.WhenAll(queued).WaitAsync(Wait);
        Assert.Equal([["held"], ["x0", "x1"], ["x2", "x3"], ["x4"], ["xl"], ["y0"]], gateway.Calls.Select(SessionIds));
        Assert.Equal(16, GatewayOutbox.SizeOf(Batch("x0", 1)));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task EnqueueAsync_GatewayRenewsWithNewReference_NewestHeardReferenceCarriesEverySession()
    {
        var outboxes = new GatewayOutboxes(Options.Create(new SessionOptions()), TimeProvider.System, Logger());
        var (old, oldReference) = NewGateway();
        var (renewed, renewedReference) = NewGateway();
        var heard = TimeProvider.System.GetTimestamp();

        await outboxes.EnqueueAsync("gw-renewing", oldReference, heard, Batch("s1", 1)).WaitAsync(Wait);
        await outboxes.EnqueueAsync("gw-renewing", renewedReference, heard + 1, Batch("s2", 1)).WaitAsync(Wait);
        // A session not renewed yet still holds the old reference.
        await outboxes.EnqueueAsync("gw-renewing", oldReference, heard, Batch("s1", 2)).WaitAsync(Wait);

        Assert.Equal([["s1"]], old.Calls.Select(SessionIds));
        Assert.Equal([["s2"], ["s1"]], renewed.Calls.Select(SessionIds));
        Assert.Equal(2, renewed.Calls[1].Single().Deliveries.Single().Seq);
        Assert.Equal(["gw-renewing"], outboxes.GatewayIds);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task EnqueueAsync_OutboxUnusedLongerThanObserverExpiry_IsDroppedButOneInFlightIsKept()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new SessionOptions { Cluster = { ObserverExpiry = TimeSpan.FromSeconds(10) } };
        var outboxes = new GatewayOutboxes(Options.Create(options), time, Logger());
        var (idle, idleReference) = NewGateway();
        var (busy, busyReference) = NewGateway();
        var heard = TimeProvider.System.GetTimestamp();

        await outboxes.EnqueueAsync("gw-idle", idleReference, heard, Batch("a", 1)).WaitAsync(Wait);
        busy.Hold();
        var held = outboxes.EnqueueAsync("gw-busy", busyReference, heard, Batch("b", 1));
        Assert.True(await busy.WaitForCallsAsync(1));
        time.Advance(TimeSpan.FromSeconds(11));
        await outboxes.EnqueueAsync("gw-other", idleReference, heard, Batch("c", 1)).WaitAsync(Wait);

        Assert.Equal(["gw-busy", "gw-other"], outboxes.GatewayIds.Order());

        busy.Release();
        await held.WaitAsync(Wait);
        time.Advance(TimeSpan.FromSeconds(11));
        await outboxes.EnqueueAsync("gw-idle", idleReference, heard, Batch("a", 2)).WaitAsync(Wait);

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

    private static Task Enqueue(GatewayOutbox outbox, ISessionObserver reference, SessionBatch batch)
    {
        Assert.True(outbox.TryEnqueue(reference, TimeProvider.System.GetTimestamp(), batch, out var delivered));
        return delivered;
    }

    /// <summary>One event for connection <c>c-{session}</c>; counts session id + payload + target bytes.</summary>
    private static SessionBatch Batch(string session, long seq, int payloadBytes = 10) =>
        new(session, [new Delivery(DeliveryKind.Event, seq, new byte[payloadBytes], [$"c-{session}"])]);

    private static string[] SessionIds(ImmutableArray<SessionBatch> call) => [.. call.Select(b => b.SessionId)];

    private GatewayOutbox NewOutbox(long maxBatchBytes) =>
        new("gw-" + Guid.NewGuid().ToString("N")[..8], maxBatchBytes, TimeProvider.System, Logger());

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
