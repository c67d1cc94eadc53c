using System.Diagnostics;
using System.Net.WebSockets;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 3, rate limit: 20 messages/s with a burst of 10 per connection, 1008 after 1.5 s of abuse.</summary>
[Collection(RateLimitedRelayCollection.Name)]
public sealed class RateLimitTests(RateLimitedRelayFixture fixture)
{
    private const int Rate = RateLimitedRelayFixture.PermitsPerSecond;
    private const int Burst = RateLimitedRelayFixture.Burst;

    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Flood_OverRate_RateLimitedNotRelayed_OtherConnectionUnaffected()
    {
        const int flood = 100;
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "receiver" });
        await using var calm = await Server.ConnectInitializedAsync(Endpoints.Tunnel, session, new { clientType = "calm" });
        await using var flooder = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "flooder" });
        await receiver.DrainAsync(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < flood; i++)
        {
            await flooder.SendAsync(new { type = "console-log", id = $"f-{i}", data = new { i } });
        }

        var errors = (await flooder.DrainAsync(TimeSpan.FromMilliseconds(300))).Where(f => f.Type() == "error").ToList();
        var relayed = (await receiver.DrainAsync(TimeSpan.FromMilliseconds(300))).Where(f => f.Type() == "console-log").ToList();
        var elapsed = clock.Elapsed;

        Assert.All(errors, e => Assert.Equal("rate-limited", e.DataString("code")));
        var refused = errors.Select(e => e.DataString("refId")).ToHashSet();
        var relayedIds = relayed.Select(e => e.Id()).ToHashSet();
        Assert.Empty(refused.Intersect(relayedIds));
        Assert.Equal(flood, refused.Count + relayedIds.Count);
        Assert.InRange(relayed.Count, Burst, Burst + (int)Math.Ceiling(Rate * elapsed.TotalSeconds) + 1);

        for (var i = 0; i < 5; i++)
        {
            await calm.SendAsync(new { type = "console-log", id = $"calm-{i}", data = new { i } });
        }

        var calmRelayed = (await receiver.DrainAsync(TimeSpan.FromMilliseconds(300))).Where(f => f.Type() == "console-log").Select(f => f.Id());
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"calm-{i}"), calmRelayed);
        Assert.DoesNotContain(await calm.DrainAsync(TimeSpan.FromMilliseconds(100)), f => f.Type() == "error");
        // The refill is the behaviour under test: half a second later the flooder has tokens again and is served.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal("alive", (await flooder.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task SustainedAbuse_LongerThanCloseAfter_ClosesWith1008()
    {
        var session = RelayFixture.NewSession();
        await using var bystander = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var abuser = await Server.ConnectAsync(Endpoints.Extension, session);
        var closed = abuser.WaitForCloseAsync(TimeSpan.FromSeconds(15));
        var clock = Stopwatch.StartNew();
        var sent = 0;

        while (!closed.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                await abuser.SendAsync(new { type = "console-log", id = $"a-{sent++}", data = new { } });
            }
            catch (WebSocketException)
            {
                break;
            }

            // Paced: the abuser stays over the limit for longer than CloseAfter, not one burst.
            await Task.Delay(5);
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await closed);
        Assert.InRange(clock.Elapsed, RateLimitedRelayFixture.CloseAfter, TimeSpan.FromSeconds(10));
        Assert.Equal("alive", (await bystander.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task RateLimited_Error_CarriesOffendingId()
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(Endpoints.Mcp, session);

        for (var i = 0; i <= Burst; i++)
        {
            await client.SendAsync(new { type = "console-log", id = $"r-{i}", data = new { } });
        }

        var error = await client.ReceiveTypeAsync("error");
        EnvelopeValidationTests.AssertError(error, "rate-limited", error.DataString("refId"));
        Assert.StartsWith("r-", error.DataString("refId"), StringComparison.Ordinal);
    }
}
