using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Clients.Tests;

/// <summary>
/// The protocol document's browser client (<c>browser/client.html</c>), unchanged, served over http from
/// loopback and run in headless Chromium against <c>/extension-ws</c>. The page's origin decides the handshake.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class BrowserClientTests(ClientsFixture fixture)
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task BrowserClient_PageOriginAllowed_OpensAndReceivesBothAcks()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using var site = await StaticSite.StartAsync(fixture.Clients.BrowserFolder, timeout.Token);
        await using var relay = await RelayServer.StartAsync($"Relay:AllowedOrigins:0={site.Origin}");
        var session = ClientsFixture.NewSession();
        await using var chromium = await HeadlessChromium.StartAsync(timeout.Token);

        await chromium.NavigateAsync(PageUri(site, relay, session), timeout.Token);
        var log = await chromium.WaitForLogAsync((text, _) => text.Contains("OPEN\n", StringComparison.Ordinal) && Acks(text).Count >= 2, timeout.Token);

        var acks = Acks(log);
        Assert.True(acks.Count == 2, $"Expected the unasked ack and the one answering connection-init.\n{chromium.Describe(log)}");
        Assert.All(acks, ack => Assert.Equal(session, ack.Text("sessionId")));
        Assert.Equal(acks[0].Text("connectionId"), acks[1].Text("connectionId"));
        Assert.DoesNotContain("ERROR", log, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task BrowserClient_PageOriginNotInDefaultAllowList_HandshakeRefusedWith403()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using var site = await StaticSite.StartAsync(fixture.Clients.BrowserFolder, timeout.Token);
        var relay = fixture.Server;
        await using var chromium = await HeadlessChromium.StartAsync(timeout.Token);

        await chromium.NavigateAsync(PageUri(site, relay, ClientsFixture.NewSession()), timeout.Token);
        var log = await chromium.WaitForLogAsync(
            (text, browserLog) => text.Contains("ERROR", StringComparison.Ordinal) && browserLog.Any(IsHandshake403),
            timeout.Token);

        Assert.True(log == "ERROR\n", $"The page must log only ERROR (no OPEN, no RECV).\n{chromium.Describe(log)}");

        // The same Origin on a plain upgrade request: the relay refuses it before upgrading, with 403.
        using var http = new HttpClient { BaseAddress = relay.BaseUri };
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, new Uri("/extension-ws", UriKind.Relative));
        upgrade.Headers.Connection.Add("Upgrade");
        upgrade.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        upgrade.Headers.Add("Sec-WebSocket-Version", "13");
        upgrade.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        upgrade.Headers.Add("Origin", site.Origin);
        using var response = await http.SendAsync(upgrade, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"Origin {site.Origin}: {(int)response.StatusCode} {body}");
        Assert.Contains(site.Origin, body, StringComparison.Ordinal);
    }

    private static Uri PageUri(StaticSite site, RelayServer relay, string session) =>
        new(site.BaseUri, "client.html?url=" + Uri.EscapeDataString(relay.WebSocketUri($"/extension-ws?sessionId={session}").AbsoluteUri));

    private static bool IsHandshake403(string entry) =>
        entry.Contains("/extension-ws", StringComparison.Ordinal)
        && entry.Contains("Unexpected response code: 403", StringComparison.Ordinal);

    private static List<JsonObject> Acks(string log) => ReceivedMessages.Parse(log).OfType("connection-ack").ToList();
}
