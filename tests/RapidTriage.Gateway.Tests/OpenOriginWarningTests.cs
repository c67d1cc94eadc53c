using System.Net;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// The start-up warning while any extension may connect (<c>chrome-extension://*</c>, the default), and pinning the
/// extension's id in <c>Relay:AllowedOrigins</c> as README shows: no warning, and other extensions refused.
/// </summary>
public sealed class OpenOriginWarningTests
{
    private const string Pinned = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task DefaultOrigins_AtStart_WarnThatAnyExtensionMayConnect()
    {
        await using var relay = await LoggedRelay.StartAsync();
        var warning = Assert.Single(relay.Logs.Texts, l => l.Contains("every browser extension installed", StringComparison.Ordinal) && l.Contains("chrome-extension://*", StringComparison.Ordinal));
        Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task PinnedExtensionOrigin_NoWarning_AndAnotherExtensionRefused()
    {
        await using var relay = await LoggedRelay.StartAsync($"Relay:AllowedOrigins:0={Pinned}");
        Assert.DoesNotContain(relay.Logs.Texts, l => l.Contains("every browser extension installed", StringComparison.Ordinal));

        await using var pinned = await TestClient.ConnectAsync(relay.WebSocketUri("/extension-ws"), o => o.SetRequestHeader("Origin", Pinned));
        Assert.Equal("connection-ack", pinned.Ack["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, await TestClient.HandshakeStatusAsync(
            relay.WebSocketUri("/extension-ws"), o => o.SetRequestHeader("Origin", "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba")));
    }
}
