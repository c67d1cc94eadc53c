using Microsoft.Extensions.Time.Testing;
using RapidTriage.Gateway.Connections;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>Limits that keep one client from hurting the others: roster fields, inbound bytes, event types, long-lived tokens.</summary>
public sealed class FairLimitTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(
        "Relay:RateLimit:BytesPerSecond=1000", "Relay:RateLimit:BurstBytes=20000", "Relay:History:MaxTypes=3",
        "Relay:Limits:MaxInitFieldLength=64", "Relay:Limits:MaxCapabilities=4");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Init_FieldOverItsLimit_RefusedWithInvalidInitAndNotInRoster()
    {
        var session = RelayFixture.NewSession();
        await using var watcher = await _server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "watcher" });
        await using var client = await _server.ConnectAsync(Endpoints.Extension, session);
        await watcher.ReceiveTypeAsync("member-joined");

        await client.SendAsync(new { type = "connection-init", id = "big-ua", data = new { userAgent = new string('u', 65) } });
        EnvelopeValidationTests.AssertError(await client.ReceiveTypeAsync("error"), "invalid-init", "big-ua");
        await client.SendAsync(new { type = "connection-init", id = "many", data = new { capabilities = new[] { "a", "b", "c", "d", "e" } } });
        EnvelopeValidationTests.AssertError(await client.ReceiveTypeAsync("error"), "invalid-init", "many");

        await client.SendAsync(new { type = "connection-init", id = "fine", data = new { userAgent = new string('u', 64), clientType = "ok" } });
        Assert.Equal(client.ConnectionId, (await client.ReceiveTypeAsync("connection-ack"))["data"]!["connectionId"]!.GetValue<string>());
        var updated = await watcher.ReceiveTypeAsync("member-updated");
        Assert.Equal("ok", updated.DataString("clientType"));
        Assert.Equal(64, updated.DataString("userAgent")!.Length);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Frames_OverTheByteRate_RateLimitedAndNotRelayed()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await _server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        await using var consumer = await _server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        var padding = new string('x', 8000);

        // A burst of 20,000 bytes: two 8 KB frames pass, the third is over it (well under the message rate).
        for (var i = 1; i <= 3; i++)
        {
            await producer.SendAsync(new { type = "console-log", id = $"big-{i}", data = new { padding } });
        }

        EnvelopeValidationTests.AssertError(await producer.ReceiveTypeAsync("error"), "rate-limited", "big-3");
        var relayed = (await consumer.DrainAsync(TimeSpan.FromMilliseconds(400))).Where(f => f.Type() == "console-log").Select(f => f.Id());
        Assert.Equal(["big-1", "big-2"], relayed);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Event_OfTypeBeyondMaxTypes_RefusedWithTooManyTypesAndNotStored()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await _server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });

        foreach (var type in new[] { "t-1", "t-2", "t-3", "t-4" })
        {
            await producer.SendAsync(new { type, id = type, data = new { } });
        }

        EnvelopeValidationTests.AssertError(await producer.ReceiveTypeAsync("error"), "too-many-types", "t-4");
        await producer.SendAsync(new { type = "t-1", id = "t-1-again", data = new { } });
        await HistoryApi.WaitForLastSeqAsync(_server, session, 4);
        var events = (await HistoryApi.PageAsync(_server, session, "limit=10"))["events"]!.AsArray();
        Assert.Equal(["t-1", "t-2", "t-3", "t-1-again"], events.Select(e => e!["id"]!.GetValue<string>()));
    }

    [Fact]
    public void TokenExpiry_LongerThanATimerCanWait_FiresAtTheRightTimeOnly()
    {
        var time = new FakeTimeProvider();
        var fired = 0;
        using var timer = new ExpiryTimer(time, () => fired++);

        timer.Schedule(time.GetUtcNow() + TimeSpan.FromDays(60));
        time.Advance(TimeSpan.FromDays(25));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromDays(34.9));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromDays(0.2));
        Assert.Equal(1, fired);
        time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void TokenExpiry_RenewedBeforeItFires_FiresOnlyAtTheNewTime()
    {
        var time = new FakeTimeProvider();
        var fired = 0;
        using var timer = new ExpiryTimer(time, () => fired++);

        timer.Schedule(time.GetUtcNow() + TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromMinutes(50));
        timer.Schedule(time.GetUtcNow() + TimeSpan.FromDays(40));
        time.Advance(TimeSpan.FromDays(39));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, fired);
    }
}
