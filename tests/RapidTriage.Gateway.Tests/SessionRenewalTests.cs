using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Sessions;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// The gateway renews a session only when needed: on a NotMember answer (one renewal for all its connections),
/// and as the session's share of a slow sweep spread over <c>Relay:Cluster:RenewInterval</c>. An idle session
/// costs no renewal in between.
/// </summary>
public sealed class SessionRenewalTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task IdleSession_DefaultRenewInterval_NoRenewalForSixSeconds()
    {
        var renewals = new RenewCalls();
        await using var server = await RelayServer.StartAsync(renewals.AddTo);
        var session = RelayFixture.NewSession();
        await using var producer = await server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        await using var consumer = await server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });

        await Task.Delay(TimeSpan.FromSeconds(6));

        Assert.Empty(renewals.For(session));

        // Still a working session, with nothing renewed.
        await producer.SendAsync(new { type = "console-log", id = "after-idle", data = new { message = "still here" } });
        Assert.Equal("after-idle", (await consumer.ReceiveTypeAsync("console-log")).Id());
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Sweep_FourSessions_EachRenewedOncePerIntervalAndNotAllAtOnce()
    {
        var renewals = new RenewCalls();
        await using var server = await RelayServer.StartAsync(renewals.AddTo, "Relay:Cluster:RenewInterval=00:00:02");
        var sessions = Enumerable.Range(0, 4).Select(_ => RelayFixture.NewSession()).ToArray();
        var clients = new List<TestClient>();
        try
        {
            foreach (var session in sessions)
            {
                clients.Add(await server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" }));
            }

            // From the first pass that holds all four on, watch three intervals.
            await WaitUntilAsync(() => sessions.All(s => renewals.For(s).Count > 0), TimeSpan.FromSeconds(10));
            var from = sessions.Max(s => renewals.For(s)[0]);
            await Task.Delay(TimeSpan.FromSeconds(6.5));
            var window = sessions.ToDictionary(s => s, s => renewals.For(s).Where(at => at > from && at <= from + TimeSpan.FromSeconds(6)).ToList());

            foreach (var (session, times) in window)
            {
                Assert.InRange(times.Count, 2, 4);
                var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
                Assert.All(gaps, gap => Assert.InRange(gap, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3)));
            }

            // Spread over the interval: about 0.5 s between one session's renewal and the next one's (a burst: 0).
            var all = window.Values.SelectMany(t => t).Order().ToList();
            var between = all.Zip(all.Skip(1), (a, b) => b - a).Order().ToList();
            var median = between[between.Count / 2];
            Assert.True(median >= TimeSpan.FromSeconds(0.25), $"median gap between renewals {median.TotalMilliseconds:0} ms");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task NotMember_ThreeConnectionsPublishAtOnce_OneRenewalServesAll()
    {
        var renewals = new RenewCalls();
        // No sweep renewal within the test: only the NotMember answers renew. Expiry and idle timeout cover three intervals.
        await using var server = await RelayServer.StartAsync(renewals.AddTo,
            "Relay:Cluster:RenewInterval=00:10:00", "Relay:Cluster:ObserverExpiry=00:30:00", "Relay:SessionIdleTimeout=00:30:00");
        var session = RelayFixture.NewSession();
        await using var consumer = await server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        var producers = new List<TestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                producers.Add(await server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = $"producer-{i}" }));
            }

            // The activation ends (as when its silo goes away): the next one has an empty roster and answers NotMember.
            var grain = server.Services.GetRequiredService<IGrainFactory>().GetGrain<ISessionGrain>(session);
            await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
            await Task.WhenAll(producers.Select((p, i) => p.SendAsync(new { type = "console-log", id = $"nm-{i}", ack = true, data = new { n = i } })));

            var acks = await Task.WhenAll(producers.Select(p => p.ReceiveTypeAsync("publish-ack", TimeSpan.FromSeconds(10))));
            Assert.Equal(["nm-0", "nm-1", "nm-2"], acks.Select(a => a.Id()));
            Assert.Single(renewals.For(session));

            // The consumer was put back too, by the same renewal.
            var delivered = new HashSet<string>();
            while (delivered.Count < 3)
            {
                delivered.Add((await consumer.ReceiveTypeAsync("console-log", TimeSpan.FromSeconds(10))).Id()!);
            }

            Assert.Equal(["nm-0", "nm-1", "nm-2"], delivered.Order());
            Assert.Single(renewals.For(session));
        }
        finally
        {
            foreach (var producer in producers)
            {
                await producer.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task LastConnectionCloses_SessionObjectRemoved()
    {
        await using var server = await RelayServer.StartAsync();
        var sessions = server.Services.GetRequiredService<GatewaySessions>();
        var session = RelayFixture.NewSession();
        var first = await server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        var second = await server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });

        Assert.True(sessions.TryGet(session, out var held));
        Assert.Equal(2, held.Connections.Length);

        await first.DisposeAsync();
        await WaitUntilAsync(() => held.Connections.Length == 1, TimeSpan.FromSeconds(10));
        Assert.True(sessions.TryGet(session, out var still));
        Assert.Same(held, still);

        await second.DisposeAsync();
        await WaitUntilAsync(() => !sessions.TryGet(session, out _), TimeSpan.FromSeconds(10));
        Assert.Empty(held.Connections);

        // A new connection to the same session gets a new object.
        await using var third = await server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        Assert.True(sessions.TryGet(session, out var again));
        Assert.NotSame(held, again);
        Assert.Single(again.Connections);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan max)
    {
        using var timeout = new CancellationTokenSource(max);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
