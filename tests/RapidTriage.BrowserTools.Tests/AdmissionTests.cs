using System.Net;
using System.Net.Http.Json;
using RapidTriage.Testing;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>What the legacy API adds to browser-tools-server's security: the Origin allow list and no wildcard CORS, local mode only.</summary>
public sealed class AdmissionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    [InlineData("GET", "/.identity")]
    [InlineData("GET", "/console-logs")]
    [InlineData("GET", "/selected-element")]
    [InlineData("POST", "/extension-log")]
    [InlineData("POST", "/capture-screenshot")]
    [InlineData("POST", "/screenshot")]
    [InlineData("POST", "/wipelogs")]
    [InlineData("OPTIONS", "/console-logs")]
    public async Task LegacyEndpoint_WebPageOrigin_Refused403WithoutCorsGrant(string method, string path)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        using var http = new HttpClient { BaseAddress = relay.BaseUri };
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        request.Headers.Add("Origin", "https://evil.example");
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { data = new { type = "console-log", message = "from a web page" } });
        }

        using var response = await http.SendAsync(request, cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode} {body}");
        Assert.Contains("https://evil.example", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task LegacyEndpoint_ExtensionOrigin_OwnOriginGrantedNeverWildcard()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;
        await using var extension = new ScriptedExtension(relay.BaseUri.Port);
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "extension-log");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var get = await extension.Http.GetAsync("console-logs", cts.Token);
        using var options = await extension.Http.SendAsync(preflight, cts.Token);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(ScriptedExtension.Origin, Assert.Single(get.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal(HttpStatusCode.NoContent, options.StatusCode);
        Assert.Equal(ScriptedExtension.Origin, Assert.Single(options.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", Assert.Single(options.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task LegacyEndpoint_NonLoopbackHost_Refused403()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync();
        await using var _ = relay;

        var reply = await RawHttp.GetAsync(relay.BaseUri, "/.identity", upgrade: false, host: "attacker.example:3025");

        Assert.Equal(403, reply.Status);
        Assert.DoesNotContain("mcp-browser-connector-24x7", reply.Body, StringComparison.Ordinal);
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task LegacyEndpoints_HostedMode_NotServed()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync(false, "Relay:Mode=Hosted");
        await using var _ = relay;
        using var http = new HttpClient { BaseAddress = relay.BaseUri };

        using var identity = await http.GetAsync(".identity", cts.Token);
        using var log = await http.PostAsJsonAsync("extension-log", new { data = new { type = "console-log", message = "x" } }, cts.Token);

        Assert.Equal(HttpStatusCode.NotFound, identity.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, log.StatusCode);
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task LegacyLayer_Disabled_NoEndpointsAndExtensionSocketsSpeakEnvelopes()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (relay, shots) = await BrowserToolsSetup.StartRelayAsync(false, "Relay:BrowserTools:Enabled=false");
        await using var _ = relay;
        using var http = new HttpClient { BaseAddress = relay.BaseUri };

        using var identity = await http.GetAsync(".identity", cts.Token);
        await using var socket = await TestClient.ConnectAsync(relay.WebSocketUri("/extension-ws"), o => o.SetRequestHeader("Origin", ScriptedExtension.Origin));
        await socket.SendAsync(new { type = "heartbeat" });
        var answer = await socket.ReceiveTypeAsync("heartbeat");

        Assert.Equal(HttpStatusCode.NotFound, identity.StatusCode);
        Assert.Equal("alive", answer["data"]!["status"]!.GetValue<string>());
        BrowserToolsSetup.DeleteFolder(shots);
    }

    [Fact(Timeout = BrowserToolsSetup.TestTimeoutMs)]
    public async Task Options_ZeroBodyLimit_StartRefusedNamingTheSetting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BrowserToolsSetup.StartRelayAsync(false, "Relay:BrowserTools:MaxBodyBytes=0"));

        Assert.Contains("Relay:BrowserTools:MaxBodyBytes", error.ToString(), StringComparison.Ordinal);
    }
}
