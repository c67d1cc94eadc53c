using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 4: request ids are the requesters' own and need not be unique; the session correlates each
/// command itself and takes an answer only from a member the command was delivered to.
/// </summary>
[Collection(TunedRelayCollection.Name)]
public sealed class CommandCorrelationTests(TunedRelayFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TwoRequesters_SameId_EachGetsItsOwnAnswer()
    {
        var session = RelayFixture.NewSession();
        await using var alice = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "alice" });
        await using var bob = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "bob" });
        await using var extension = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "ext" });

        await alice.SendAsync(new { type = "screenshot-request", id = "1", data = new { who = "alice" } });
        await bob.SendAsync(new { type = "screenshot-request", id = "1", data = new { who = "bob" } });
        var first = await extension.ReceiveTypeAsync("screenshot-request");
        var second = await extension.ReceiveTypeAsync("screenshot-request");
        Assert.NotEqual(first.Id(), second.Id());

        // Answered in the other order, each tagged with whom it was for.
        foreach (var command in new[] { second, first })
        {
            await extension.SendAsync(new { type = "screenshot-response", id = command.Id(), data = new { success = true, @for = command.DataString("who") } });
        }

        var toAlice = await alice.ReceiveTypeAsync("screenshot-response");
        var toBob = await bob.ReceiveTypeAsync("screenshot-response");
        Assert.Equal(("1", "alice"), (toAlice.Id(), toAlice.DataString("for")));
        Assert.Equal(("1", "bob"), (toBob.Id(), toBob.DataString("for")));
        Assert.DoesNotContain(await alice.DrainAsync(Quiet), f => f.Type() == "screenshot-response");
        Assert.DoesNotContain(await bob.DrainAsync(TimeSpan.FromMilliseconds(100)), f => f.Type() == "screenshot-response");
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task TwoRequesters_SameId_Unanswered_EachGetsItsOwnTimeout()
    {
        var session = RelayFixture.NewSession();
        await using var alice = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "alice" });
        await using var bob = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "bob" });
        await using var extension = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "ext" });

        await alice.SendAsync(new { type = "screenshot-request", id = "1", data = new { } });
        await bob.SendAsync(new { type = "screenshot-request", id = "1", data = new { } });

        foreach (var requester in new[] { alice, bob })
        {
            var timeout = await requester.ReceiveTypeAsync("screenshot-response", TimeSpan.FromSeconds(10));
            Assert.Equal("1", timeout.Id());
            Assert.Equal("timeout", timeout.DataString("error"));
        }
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Response_FromMemberTheCommandNeverReached_IsDropped()
    {
        var session = RelayFixture.NewSession();
        await using var requester = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "requester" });
        await using var extension = await Server.ConnectInitializedAsync(Endpoints.Extension, session, new { clientType = "ext" });
        await using var forger = await Server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "forger" });

        await requester.SendAsync(new { type = "screenshot-request", id = "shot", data = new { } });
        var asked = (await extension.ReceiveTypeAsync("screenshot-request")).Id();

        // The forger knows both ids (as if it had guessed them) but never received the command.
        await forger.SendAsync(new { type = "screenshot-response", id = asked, data = new { success = true, base64 = "forged" } });
        await forger.SendAsync(new { type = "screenshot-response", id = "shot", data = new { success = true, base64 = "forged" } });
        Assert.Equal("alive", (await forger.HeartbeatAsync()).DataString("status"));
        Assert.DoesNotContain(await requester.DrainAsync(Quiet), f => f.Type() == "screenshot-response");

        await extension.SendAsync(new { type = "screenshot-response", id = asked, data = new { success = true, base64 = "real" } });
        var answer = await requester.ReceiveTypeAsync("screenshot-response");
        Assert.Equal("shot", answer.Id());
        Assert.Equal("real", answer.DataString("base64"));
        Assert.Equal(extension.ConnectionId, answer["metadata"]!["connectionId"]!.GetValue<string>());
    }
}
