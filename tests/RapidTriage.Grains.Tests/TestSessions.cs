using System.Collections.Immutable;
using RapidTriage.Contracts;
using RapidTriage.Testing;

namespace RapidTriage.Grains.Tests;

/// <summary>New sessions on the test cluster, and what they wrote to its session storage.</summary>
internal static class TestSessions
{
    /// <summary>A session nobody joined yet, and a recording observer standing in for a gateway.</summary>
    public static (ISessionGrain Session, RecordingObserver Observer, ISessionObserver Reference) NewObservedSession(this ClusterFixture fixture)
    {
        var observer = new RecordingObserver();
        return (fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession()), observer,
            fixture.Grains.CreateObjectReference<ISessionObserver>(observer));
    }

    /// <summary>A new session with these members joined (one recording observer for all), and its epoch.</summary>
    public static Task<(ISessionGrain Session, string Epoch)> NewSessionAsync(this ClusterFixture fixture, params MemberInfo[] members) =>
        fixture.NewSessionAsync(new RecordingObserver(), members);

    /// <summary>A new session with these members joined through <paramref name="observer"/>, and its epoch.</summary>
    public static async Task<(ISessionGrain Session, string Epoch)> NewSessionAsync(this ClusterFixture fixture, RecordingObserver observer, params MemberInfo[] members)
    {
        var session = fixture.Grains.GetGrain<ISessionGrain>(ClusterFixture.NewSession());
        var reference = fixture.Grains.CreateObjectReference<ISessionObserver>(observer);
        var epoch = "";
        foreach (var member in members)
        {
            epoch = (await session.Join(member, reference)).Epoch;
        }

        return (session, epoch);
    }

    /// <summary>The stored record, or null when there is none.</summary>
    public static async Task<T?> ReadStateAsync<T>(this ClusterFixture fixture, string name, GrainId id)
        where T : class
    {
        var state = new GrainState<T>();
        await fixture.Storage.ReadStateAsync(name, id, state);
        return state.RecordExists ? state.State : null;
    }

    public static Task WriteStateAsync<T>(this ClusterFixture fixture, string name, GrainId id, T value) =>
        fixture.Storage.WriteStateAsync(name, id, new GrainState<T>(value));

    /// <summary>Waits until the stored record is gone (sessions delete replaced segments after writing their snapshot).</summary>
    public static Task WaitForDeletedAsync<T>(this ClusterFixture fixture, string name, GrainId id)
        where T : class =>
        Eventually.TrueAsync(async () => await fixture.ReadStateAsync<T>(name, id) is null, TimeSpan.FromSeconds(10), $"{name} of {id} is deleted");

    /// <summary>Waits until the stored record exists and meets <paramref name="condition"/> (sessions write it on their flush tick).</summary>
    public static async Task<T> WaitForStateAsync<T>(this ClusterFixture fixture, string name, GrainId id, Func<T, bool> condition)
        where T : class
    {
        T? found = null;
        await Eventually.TrueAsync(async () =>
        {
            found = await fixture.ReadStateAsync<T>(name, id);
            return found is not null && condition(found);
        }, TimeSpan.FromSeconds(10), $"{name} of {id} meets the condition");
        return found!;
    }

    /// <summary>
    /// Renews each session's members through <paramref name="observer"/> every <paramref name="every"/> until
    /// <paramref name="duration"/> has passed, as a gateway's renewal sweep keeps its sessions active.
    /// </summary>
    public static async Task RenewForAsync(
        string gatewayId, ISessionObserver observer, IReadOnlyList<(ISessionGrain Session, ImmutableArray<Subscription> Members)> sessions,
        TimeSpan duration, TimeSpan every)
    {
        var until = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < until)
        {
            foreach (var chunk in sessions.Chunk(200))
            {
                await Task.WhenAll(chunk.Select(s => s.Session.Renew(gatewayId, observer, s.Members)));
            }

            await Task.Delay(every); // the renewal cadence under test
        }
    }

    /// <summary>
    /// Reads <paramref name="session"/>'s roster every <paramref name="every"/> until disposed, so that a short idle
    /// timeout does not collect it while a test waits on something else; a read renews no member.
    /// </summary>
    public static IAsyncDisposable KeepActive(ISessionGrain session, TimeSpan every) => new ActiveSession(session, every);

    private sealed class ActiveSession : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public ActiveSession(ISessionGrain session, TimeSpan every) => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await session.GetRoster();
                await Task.Delay(every, CancellationToken.None);
            }
        });

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
