using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RapidTriage.Contracts;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>
/// A browser extension played by a test over <c>/extension-ws</c>: real envelope frames, a <c>connection-init</c>,
/// events (each awaited until the session's history holds it, so a tool call that follows sees it), and screenshot
/// answers.
/// </summary>
internal sealed class ScriptedExtension(TestClient socket, IGrainFactory grains, string session) : IAsyncDisposable
{
    public const string TabId = "tab-7";

    public TestClient Socket => socket;

    public static async Task<ScriptedExtension> ConnectAsync(
        RelayServer server, string session, string[]? capabilities = null, string? token = null)
    {
        var path = token is null ? $"/extension-ws?sessionId={session}" : "/extension-ws";
        var socket = await TestClient.ConnectInitializedAsync(server.WebSocketUri(path), new
        {
            clientType = "rapidtriage-extension",
            version = "1.0.0",
            capabilities = capabilities ?? ["console-capture", "network-capture", "screenshot-capture", "element-selection"],
            tabId = TabId,
            userAgent = "Mozilla/5.0 (test) Chrome/130",
        }, token is null ? null : TestClient.Bearer(token));
        return new ScriptedExtension(socket, server.Services.GetRequiredService<IGrainFactory>(), session);
    }

    /// <summary>Sends an event and returns its <c>seq</c> once the session's history holds it.</summary>
    public async Task<long> PublishAsync(string type, object data, string url = "https://shop.example/cart")
    {
        var id = $"ev-{Guid.NewGuid():N}";
        await socket.SendAsync(new { type, id, data, metadata = new { tabId = TabId, url } });
        var history = grains.GetGrain<ISessionGrain>(session);
        var seq = await Eventually.LatestAsync(async () =>
        {
            var page = await history.GetHistory(new HistoryQuery([type], 0, 10_000));
            return page.Events.FirstOrDefault(stored => JsonNode.Parse(stored.Payload)!["id"]?.GetValue<string>() == id)?.Seq;
        }, found => found is not null, TimeSpan.FromSeconds(10));
        return seq ?? throw new TimeoutException($"Session {session} did not store {type} {id} within 10 s");
    }

    /// <summary>Waits for the next <c>screenshot-request</c> and answers it with <paramref name="png"/> as a data URL.</summary>
    public async Task<JsonObject> AnswerScreenshotAsync(byte[] png)
    {
        var request = await socket.ReceiveTypeAsync("screenshot-request", TimeSpan.FromSeconds(15));
        await socket.SendAsync(new
        {
            type = "screenshot-response",
            id = request.Id(),
            data = new { success = true, base64 = "data:image/png;base64," + Convert.ToBase64String(png), size = png.Length },
        });
        return request;
    }

    public ValueTask DisposeAsync() => socket.DisposeAsync();
}
