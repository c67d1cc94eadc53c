using Microsoft.Playwright;
using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>The page reconnects by itself, asks to recover from its lastSeq/epoch and says what it got.</summary>
[Collection(ViewerCollection.Name)]
public sealed class ViewerReconnectTests(ViewerFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Viewer_RelayRestarts_ReconnectsAndShowsNotRecoveredNotice()
    {
        var port = FreePort.Next();
        var url = $"Relay:Urls=http://127.0.0.1:{port}";
        var session = ViewerFixture.NewSession("restart");
        var relay = await RelayServer.StartAsync(url);
        await using var viewer = await fixture.Chromium.NewPageAsync();
        try
        {
            await using (var extension = await ScriptedExtension.ConnectAsync(relay, session))
            {
                await extension.PublishAsync("console-log", new { level = "info", message = "before the restart" });
            }

            await viewer.OpenAsync(relay.BaseUri, session, RelayServer.Token(session));
            await viewer.WaitCountAsync("all", 1);
            await viewer.WaitLiveAsync();

            // The new process has a new embedded silo with empty in-memory storage: the session's history is gone.
            await relay.DisposeAsync();
            await Assertions.Expect(viewer.Status).ToContainTextAsync("Reconnecting", new() { Timeout = 10_000 });
            relay = await RelayServer.StartAsync(url);

            await viewer.WaitLiveAsync();
            var notice = viewer.Notices.Filter(new() { HasText = "NOT recovered" });
            await Assertions.Expect(notice).ToHaveCountAsync(1, new() { Timeout = 10_000 });
            await Assertions.Expect(notice).ToContainTextAsync("epoch-mismatch");
            await Assertions.Expect(notice).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("notice-warn"));

            // Live again: a new event after the restart shows below the reset marker; the old one is kept.
            await using var again = await ScriptedExtension.ConnectAsync(relay, session);
            await again.PublishAsync("console-log", new { level = "info", message = "after the restart" });
            await Assertions.Expect(viewer.Rows.Filter(new() { HasText = "after the restart" })).ToHaveCountAsync(1);
            await Assertions.Expect(viewer.Rows.Filter(new() { HasText = "before the restart" })).ToHaveCountAsync(1);
            await Assertions.Expect(viewer.Rows.Filter(new() { HasText = "history was reset" })).ToHaveCountAsync(1);
        }
        finally
        {
            await relay.DisposeAsync();
        }
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Viewer_SocketDropped_ReconnectsAndRecoversMissedEvents()
    {
        var session = ViewerFixture.NewSession("drop");
        var relay = fixture.Relay;
        await using var extension = await ScriptedExtension.ConnectAsync(relay, session);
        await using var viewer = await fixture.Chromium.NewPageAsync();

        // Every tunnel socket of the page goes through a pass-through route the test can cut, as a network would.
        var sockets = new List<(IWebSocketRoute Page, IWebSocketRoute Server)>();
        await viewer.Page.RouteWebSocketAsync("**/tunnel/**", route =>
        {
            lock (sockets)
            {
                sockets.Add((route, route.ConnectToServer()));
            }
        });
        await viewer.OpenAsync(relay.BaseUri, session, RelayServer.Token(session));
        await viewer.WaitLiveAsync();
        await extension.PublishAsync("console-log", new { level = "info", message = "seen live" });
        await viewer.WaitCountAsync("all", 1);

        (IWebSocketRoute Page, IWebSocketRoute Server) first;
        lock (sockets)
        {
            first = sockets.Single();
        }

        await first.Server.CloseAsync();
        await first.Page.CloseAsync(new() { Code = 4100, Reason = "network lost" });
        await Assertions.Expect(viewer.Status).ToContainTextAsync("Reconnecting", new() { Timeout = 10_000 });
        await extension.PublishAsync("console-log", new { level = "info", message = "missed while offline" });

        await viewer.WaitLiveAsync();
        await Assertions.Expect(viewer.Notices.Filter(new() { HasText = "every event missed while disconnected was replayed" })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(viewer.Rows.Filter(new() { HasText = "missed while offline" })).ToHaveCountAsync(1);
        await viewer.WaitCountAsync("all", 2);
        Assert.Equal(2, sockets.Count);
    }
}
