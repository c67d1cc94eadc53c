using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 3: <c>"ack": true</c> gets a <c>publish-ack</c> with the <c>seq</c>; a resend is not delivered twice.</summary>
[Collection(RelayCollection.Name)]
public sealed class PublishAckTests(RelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Event_WithAck_AnsweredWithItsSeq()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        await using var consumer = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });

        await producer.SendAsync(new { type = "console-log", id = "p-1", ack = true, data = new { message = "one" } });
        var ack = await producer.ReceiveTypeAsync("publish-ack");
        var delivered = await consumer.ReceiveTypeAsync("console-log");

        Assert.Equal("p-1", ack.Id());
        Assert.Equal(delivered["seq"]!.GetValue<long>(), ack["data"]!["seq"]!.GetValue<long>());
        Assert.True(delivered["ack"]!.GetValue<bool>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Event_WithoutAck_GetsNoPublishAck()
    {
        var session = RelayFixture.NewSession();
        await using var producer = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });

        await producer.SendAsync(new { type = "console-log", id = "plain", data = new { message = "one" } });
        await producer.SendAsync(new { type = "console-log", id = "false", ack = false, data = new { message = "two" } });

        Assert.DoesNotContain(await producer.DrainAsync(TimeSpan.FromMilliseconds(400)), f => f.Type() == "publish-ack");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Resend_AfterReconnect_SameAckAndDeliveredOnce()
    {
        var session = RelayFixture.NewSession();
        await using var consumer = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        long firstSeq;
        await using (var producer = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" }))
        {
            await producer.SendAsync(new { type = "console-log", id = "once-1", ack = true, data = new { message = "one" } });
            firstSeq = (await producer.ReceiveTypeAsync("publish-ack"))["data"]!["seq"]!.GetValue<long>();
        }

        // The producer could not tell whether its socket closed before or after the session took the event: it resends.
        await using var again = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "producer" });
        await again.SendAsync(new { type = "console-log", id = "once-1", ack = true, data = new { message = "one" } });
        await again.SendAsync(new { type = "console-log", id = "once-2", ack = true, data = new { message = "two" } });
        var resendAck = await again.ReceiveTypeAsync("publish-ack");
        var nextAck = await again.ReceiveTypeAsync("publish-ack");

        Assert.Equal(("once-1", firstSeq), (resendAck.Id(), resendAck["data"]!["seq"]!.GetValue<long>()));
        Assert.Equal(("once-2", firstSeq + 1), (nextAck.Id(), nextAck["data"]!["seq"]!.GetValue<long>()));
        var frames = await consumer.DrainAsync(TimeSpan.FromMilliseconds(400));
        Assert.Equal(["once-1", "once-2"], frames.Where(f => f.Type() == "console-log").Select(f => f.Id()));
        var history = await HistoryApi.PageAsync(Server, session, "limit=10");
        Assert.Equal(2, history["events"]!.AsArray().Count);
    }
}
