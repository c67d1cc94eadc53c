using System.Diagnostics;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 4: an unanswered <c>screenshot-request</c> gets a timeout response (Relay:CommandTimeout = 2 s).</summary>
[Collection(TunedRelayCollection.Name)]
public sealed class CommandTimeoutTests(TunedRelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ScreenshotRequest_Unanswered_TimeoutResponseWithRequestId()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var bystander = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var extension = await Server.ConnectAsync(Endpoints.Extension, session);
        var clock = Stopwatch.StartNew();

        await requester.SendAsync(new { type = "screenshot-request", id = "slow-1", data = new { format = "png" } });
        var asked = (await extension.ReceiveTypeAsync("screenshot-request")).Id();
        var response = await requester.ReceiveTypeAsync("screenshot-response", TimeSpan.FromSeconds(10));
        var elapsed = clock.Elapsed;
        await extension.SendAsync(new { type = "screenshot-response", id = asked, data = new { success = true } });

        Assert.Equal("slow-1", response.Id());
        Assert.False(response["data"]!["success"]!.GetValue<bool>());
        Assert.Equal("timeout", response.DataString("error"));
        Assert.InRange(elapsed, TunedRelayFixture.CommandTimeout * 0.9, TimeSpan.FromSeconds(8));
        Assert.DoesNotContain(await requester.DrainAsync(TimeSpan.FromMilliseconds(500)), f => f.Type() == "screenshot-response");
        Assert.DoesNotContain(await bystander.DrainAsync(TimeSpan.FromMilliseconds(100)), f => f.Type() == "screenshot-response");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ScreenshotRequest_AnsweredInTime_NoTimeoutResponseLater()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var extension = await Server.ConnectAsync(Endpoints.Extension, session);

        await requester.SendAsync(new { type = "screenshot-request", id = "quick-1", data = new { } });
        var asked = (await extension.ReceiveTypeAsync("screenshot-request")).Id();
        await extension.SendAsync(new { type = "screenshot-response", id = asked, data = new { success = true } });

        Assert.True((await requester.ReceiveTypeAsync("screenshot-response"))["data"]!["success"]!.GetValue<bool>());
        Assert.DoesNotContain(await requester.DrainAsync(TunedRelayFixture.CommandTimeout * 1.5), f => f.Type() == "screenshot-response");
    }
}
