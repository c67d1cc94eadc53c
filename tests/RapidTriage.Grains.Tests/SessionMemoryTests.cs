using System.Collections.Immutable;
using RapidTriage.Contracts;
using Xunit.Abstractions;
using static RapidTriage.Grains.Tests.TestWire;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// What an idle session costs in silo memory: many sessions, each with two members and a little history, are
/// activated and left idle; the managed heap grows by their activations plus what storage and caches hold for them.
/// Then their members leave and they are collected, and they are activated again with their members: that second
/// growth is the activations alone. Both, per session, are printed; sessions are renewed as their gateway would renew them. Run
/// it alone (<c>--filter FullyQualifiedName~SessionMemoryTests</c>) for numbers worth comparing: other tests' garbage
/// in the same process blurs them.
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class SessionMemoryTests(ScaleFixture fixture, ITestOutputHelper output)
{
    private const int Sessions = 2000;

    /// <summary>Each session's epoch, as its gateway knows it from the joins' acks.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _epochs = new(StringComparer.Ordinal);

    [Fact(Timeout = 180_000)]
    public async Task IdleSessions_TwoMembersAndALittleHistory_AllStayActiveUntilTheirMembersLeave()
    {
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new DiscardingObserver());
        var keys = Enumerable.Range(0, Sessions).Select(i => $"mem-{Guid.NewGuid():N}"[..20]).ToArray();
        var sessions = keys.Select(k => fixture.Grains.GetGrain<ISessionGrain>(k)).ToArray();
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var before = Heap();

        foreach (var chunk in sessions.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(async session =>
            {
                await session.Join(Member("ext", ConnectionRole.Extension, "gw-mem"), observer);
                _epochs[session.GetPrimaryKeyString()] = (await session.Join(Member("mcp", ConnectionRole.Mcp, "gw-mem"), observer)).Epoch;
                for (var i = 0; i < 3; i++)
                {
                    await session.Publish(Envelope("ext", "console-log", $"e{i}", $$$"""{"type":"console-log","id":"e{{{i}}}","data":{"message":"hello {{{i}}}"}}"""));
                }
            }));
        }

        // Past every flush and the idle timeout, renewed as their gateway would: what stays is what an idle session holds.
        await RenewForAsync(sessions, observer, ScaleFixture.MaxFlushInterval * 2 + ScaleFixture.IdleTimeout);
        var active = await ActiveAsync(management, sessions);
        var withSessions = Heap();

        foreach (var chunk in sessions.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(async session =>
            {
                await session.Leave("ext");
                await session.Leave("mcp");
            }));
        }

        await management.ForceActivationCollection(TimeSpan.Zero);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int remaining;
        while ((remaining = await ActiveAsync(management, sessions)) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));

        var afterCollection = Heap();

        // The same sessions again, read back from storage with their members: storage, directory caches and the
        // test's own references are as they were, so the heap grows by the activations alone.
        await JoinAllAsync(sessions, observer);
        await RenewForAsync(sessions, observer, ScaleFixture.IdleTimeout * 2);
        var activeAgain = await ActiveAsync(management, sessions);
        var reactivated = Heap();

        output.WriteLine($"{Sessions} idle sessions (2 members, 3 events each): heap +{(withSessions - before) / (double)Sessions:F0} bytes " +
            $"per session in all (activation, storage, caches); {(reactivated - afterCollection) / (double)Sessions:F0} bytes " +
            $"per session for the activation alone (the same sessions activated again); heap KiB: {before / 1024} before, " +
            $"{withSessions / 1024} active, {afterCollection / 1024} collected, {reactivated / 1024} active again");
        Assert.Equal(Sessions, active);
        Assert.Equal(0, remaining);
        Assert.Equal(Sessions, activeAgain);
    }

    private async Task JoinAllAsync(IEnumerable<ISessionGrain> sessions, ISessionObserver observer)
    {
        foreach (var chunk in sessions.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(async session =>
            {
                await session.Join(Member("ext", ConnectionRole.Extension, "gw-mem"), observer);
                _epochs[session.GetPrimaryKeyString()] = (await session.Join(Member("mcp", ConnectionRole.Mcp, "gw-mem"), observer)).Epoch;
            }));
        }
    }

    /// <summary>Renews every session's two members, as their gateway's sweep would, until <paramref name="duration"/> has passed.</summary>
    private Task RenewForAsync(ISessionGrain[] sessions, ISessionObserver observer, TimeSpan duration) =>
        TestSessions.RenewForAsync("gw-mem", observer, [.. sessions.Select(session => (session, Subscriptions(_epochs[session.GetPrimaryKeyString()])))],
            duration, ScaleFixture.IdleTimeout / 4);

    private static ImmutableArray<Subscription> Subscriptions(string epoch) =>
        [new Subscription(Member("ext", ConnectionRole.Extension, "gw-mem"), epoch, 0), new Subscription(Member("mcp", ConnectionRole.Mcp, "gw-mem"), epoch, 0)];

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(true);
    }

    private static async Task<int> ActiveAsync(IManagementGrain management, IEnumerable<ISessionGrain> sessions)
    {
        var ids = (await management.GetDetailedGrainStatistics()).Select(s => s.GrainId).ToHashSet();
        return sessions.Count(s => ids.Contains(s.GetGrainId()));
    }

    /// <summary>A gateway that takes every batch and keeps nothing, so the test's own memory does not grow with the sessions.</summary>
    private sealed class DiscardingObserver : ISessionObserver
    {
        public Task DeliverMany(System.Collections.Immutable.ImmutableArray<SessionBatch> batches) => Task.CompletedTask;
    }
}
