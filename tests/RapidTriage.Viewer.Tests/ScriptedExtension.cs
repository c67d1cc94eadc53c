using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>
/// A scripted browser extension: a <see cref="TestClient"/> on <c>/extension-ws</c> of one session that sends
/// captured events and answers <c>screenshot-request</c>.
/// </summary>
public sealed class ScriptedExtension(TestClient client) : IAsyncDisposable
{
    private long _sent;

    /// <summary>A 2x2 red PNG.</summary>
    public const string PngDataUrl =
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==";

    public TestClient Client => client;

    public static async Task<ScriptedExtension> ConnectAsync(RelayServer relay, string sessionId, string clientType = "chrome-extension") =>
        new(await TestClient.ConnectInitializedAsync(
            relay.WebSocketUri($"/extension-ws?sessionId={sessionId}"),
            new { clientType, version = "1.0", tabId = "tab-1", capabilities = new[] { "console-capture", "network-capture", "screenshot-capture", "element-selection" } }));

    /// <summary>Sends an event and waits until the session has accepted it (given it a <c>seq</c>).</summary>
    public async Task PublishAsync(string type, object data)
    {
        await SendAsync(type, data);
        await WaitAcceptedAsync();
    }

    /// <summary>Sends without waiting; the session keeps one sender's order.</summary>
    public async Task SendAsync(string type, object data)
    {
        await client.SendAsync(new { type, data });
        _sent++;
    }

    /// <summary>
    /// Waits until the session's newest <c>seq</c> covers every event this extension sent (it is the only
    /// publisher in its test's session), asking with <c>history-request</c>.
    /// </summary>
    public async Task WaitAcceptedAsync(TimeSpan? wait = null)
    {
        await Eventually.TrueAsync(async () =>
        {
            var id = Guid.NewGuid().ToString("N");
            await client.SendAsync(new { type = "history-request", id, data = new { afterSeq = 0, limit = 1 } });
            var page = await client.ReceiveWhereAsync(f => f.Type() == "history-response" && f.Id() == id);
            return page["data"]!["lastSeq"]!.GetValue<long>() >= _sent;
        }, wait ?? TimeSpan.FromSeconds(20), $"the session accepted the {_sent} events sent");
    }

    /// <summary>Waits for the next <c>screenshot-request</c> and answers it with <paramref name="base64"/>.</summary>
    public async Task<JsonObject> AnswerScreenshotAsync(string base64 = PngDataUrl, TimeSpan? wait = null)
    {
        var request = await client.ReceiveWhereAsync(f => f.Type() == "screenshot-request", wait ?? TimeSpan.FromSeconds(15));
        await client.SendAsync(new
        {
            type = "screenshot-response",
            id = request.Id(),
            data = new { success = true, base64, dimensions = new { width = 2, height = 2 } },
        });
        return request;
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
