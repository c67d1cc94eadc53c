using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>
/// Sends exactly what the BrowserTools MCP 1.2 Chrome extension sends (AgentDeskAI/browser-tools-mcp,
/// <c>chrome-extension/devtools.js</c> and <c>background.js</c>): its HTTP posts, with the extension page's
/// <c>Origin</c> and the <c>localhost</c> host it is configured with, and its flat socket frames on
/// <c>/extension-ws</c>, answering <c>take-screenshot</c> and <c>get-current-url</c> as the DevTools page does.
/// </summary>
internal sealed partial class ScriptedExtension : IAsyncDisposable
{
    public const string Origin = "chrome-extension://bhlbijemgpbklhnmgfpbgnhbfdcbjakd";

    /// <summary>A 1x1 PNG, as <c>chrome.tabs.captureVisibleTab</c> returns one: a data URL.</summary>
    public const string PngDataUrl = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private readonly HttpClient _http;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private ClientWebSocket? _socket;
    private Task? _receiving;

    public ScriptedExtension(int port, int tabId = 1234567)
    {
        _port = port;
        TabId = tabId;
        _http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("Origin", Origin);
    }

    public int TabId { get; }

    /// <summary><c>Date.now()</c>; a test that compares two servers gives both extensions the same clock.</summary>
    public Func<long> Clock { get; set; } = static () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The extension panel's settings (devtools.js defaults).</summary>
    public int LogLimit { get; set; } = 50;

    public int QueryLimit { get; set; } = 30000;

    public bool ShowRequestHeaders { get; set; }

    public bool ShowResponseHeaders { get; set; }

    /// <summary>The panel's "screenshot path" (empty: not sent).</summary>
    public string ScreenshotPath { get; set; } = "";

    /// <summary>The image the DevTools page sends for <c>take-screenshot</c>, as a data URL.</summary>
    public string ScreenshotDataUrl { get; set; } = PngDataUrl;

    /// <summary>What the DevTools page answers <c>take-screenshot</c> with: an image, or this error.</summary>
    public string? ScreenshotError { get; set; }

    /// <summary>Leave <c>take-screenshot</c> unanswered (a DevTools window that was closed mid-request).</summary>
    public bool IgnoreScreenshotRequests { get; set; }

    /// <summary>Every frame the server sent on the socket, raw.</summary>
    public List<string> Received { get; } = [];

    public HttpClient Http => _http;

    /// <summary><c>validateServerIdentity()</c>: GET <c>/.identity</c> and check the signature.</summary>
    public async Task<bool> ValidateServerIdentityAsync()
    {
        using var response = await _http.GetAsync(".identity");
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var identity = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return identity?["signature"]?.GetValue<string>() == "mcp-browser-connector-24x7";
    }

    /// <summary><c>sendToBrowserConnector(entry)</c>: validate the server, then POST <c>/extension-log</c>.</summary>
    public async Task<HttpResponseMessage> SendToBrowserConnectorAsync(JsonObject entry)
    {
        if (!await ValidateServerIdentityAsync())
        {
            throw new InvalidOperationException("The server's identity did not validate: the extension would not send.");
        }

        var data = (JsonObject)entry.DeepClone();
        data["timestamp"] = Clock();
        var payload = new JsonObject
        {
            ["data"] = data,
            ["settings"] = new JsonObject
            {
                ["logLimit"] = LogLimit,
                ["queryLimit"] = QueryLimit,
                ["showRequestHeaders"] = ShowRequestHeaders,
                ["showResponseHeaders"] = ShowResponseHeaders,
            },
        };
        return await _http.PostAsync("extension-log", new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
    }

    public Task<HttpResponseMessage> ConsoleLogAsync(string message, string level = "log") =>
        SendToBrowserConnectorAsync(new JsonObject { ["type"] = "console-log", ["level"] = level, ["message"] = message, ["timestamp"] = 0 });

    public Task<HttpResponseMessage> ConsoleErrorAsync(string message) =>
        SendToBrowserConnectorAsync(new JsonObject { ["type"] = "console-error", ["message"] = message, ["level"] = "error", ["timestamp"] = 0 });

    /// <summary>An XHR as <c>onRequestFinished</c> reports it (HAR header lists).</summary>
    public Task<HttpResponseMessage> NetworkRequestAsync(string url, int status, string method = "GET", string responseBody = "{}") =>
        SendToBrowserConnectorAsync(new JsonObject
        {
            ["type"] = "network-request",
            ["url"] = url,
            ["method"] = method,
            ["status"] = status,
            ["requestHeaders"] = new JsonArray(new JsonObject { ["name"] = "Accept", ["value"] = "application/json" }),
            ["responseHeaders"] = new JsonArray(new JsonObject { ["name"] = "Content-Type", ["value"] = "application/json" }),
            ["requestBody"] = "",
            ["responseBody"] = responseBody,
        });

    /// <summary><c>captureAndSendElement()</c>: the element DevTools has selected.</summary>
    public Task<HttpResponseMessage> SelectElementAsync(string id) =>
        SendToBrowserConnectorAsync(new JsonObject
        {
            ["type"] = "selected-element",
            ["timestamp"] = 0,
            ["element"] = new JsonObject
            {
                ["tagName"] = "BUTTON",
                ["id"] = id,
                ["className"] = "btn primary",
                ["textContent"] = "Save",
                ["attributes"] = new JsonArray(new JsonObject { ["name"] = "id", ["value"] = id }),
                ["dimensions"] = new JsonObject { ["width"] = 80, ["height"] = 24, ["top"] = 10, ["left"] = 20 },
                ["innerHTML"] = "Save",
            },
        });

    /// <summary><c>wipeLogs()</c>, which the DevTools page calls on every navigation.</summary>
    public Task<HttpResponseMessage> WipeLogsAsync() =>
        _http.PostAsync("wipelogs", new StringContent("", Encoding.UTF8, "application/json"));

    /// <summary>background.js <c>updateServerWithUrl()</c>: POST <c>/current-url</c>.</summary>
    public Task<HttpResponseMessage> UpdateServerWithUrlAsync(string url, string source = "tab_url_change") =>
        _http.PostAsJsonAsync("current-url", new { url, tabId = TabId, timestamp = Clock(), source });

    /// <summary>background.js <c>captureAndSendScreenshot()</c>: POST <c>/screenshot</c> with the image and the panel's path.</summary>
    public Task<HttpResponseMessage> PostScreenshotAsync(string? path) =>
        _http.PostAsync("screenshot", new StringContent(
            new JsonObject { ["data"] = PngDataUrl, ["path"] = path }.ToJsonString(), Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket is { State: WebSocketState.Open })
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        if (_receiving is not null)
        {
            await _receiving;
        }

        _socket?.Dispose();
        _http.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }
}
