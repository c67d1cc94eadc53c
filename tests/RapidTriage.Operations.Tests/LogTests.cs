using System.Net;
using System.Text.Json;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// The container log format (JSON console, scopes on) of a hosted gateway at Trace level everywhere, captured
/// during a session full of credentials: none of them is ever written, and every connection line names its
/// session and connection.
/// </summary>
public sealed class LogTests : IAsyncLifetime
{
    private const string Category = "RapidTriage.Gateway.Connection";
    private readonly LocalCluster _processes = new(TestLogs.Directory(nameof(LogTests)));
    private ClusterNode _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = _processes.StartLocalGateway("gateway",
            "--Relay:Mode=Hosted",
            "--Relay:DrainWindow=00:00:00.500",
            "--Logging:Console:FormatterName=json",
            "--Logging:Console:FormatterOptions:IncludeScopes=true",
            "--Logging:LogLevel:Default=Trace",
            "--Logging:LogLevel:Microsoft=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests=Trace",
            "--Logging:LogLevel:RapidTriage=Trace",
            "--Logging:LogLevel:Orleans=Debug");
        await _gateway.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await _processes.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task Logs_SessionFullOfCredentials_NeverContainATokenOrRedactedValue_AndNameSessionAndConnection()
    {
        var session = "log-" + Guid.NewGuid().ToString("N")[..8];
        var unique = Guid.NewGuid().ToString("N");
        var headerToken = RelayServer.Token(session, TimeSpan.FromMinutes(9));
        var queryToken = RelayServer.Token(session, TimeSpan.FromMinutes(8));
        var refreshToken = RelayServer.Token(session, TimeSpan.FromMinutes(7));
        var forgedToken = headerToken[..headerToken.LastIndexOf('.')] + ".forged" + unique;
        var secrets = new[]
        {
            headerToken, queryToken, refreshToken, forgedToken,
            Signature(headerToken), Signature(queryToken), Signature(refreshToken), "forged" + unique,
            "authz-" + unique, "cookie-" + unique, "apikey-" + unique, "setcookie-" + unique, "broken-" + unique,
        };

        var extension = await TestClient.ConnectAsync(_gateway.WebSocket($"/extension-ws?sessionId={session}"),
            o => o.SetRequestHeader("Authorization", "Bearer " + headerToken));
        var browser = await TestClient.ConnectAsync(_gateway.WebSocket($"/mcp-ws?sessionId={session}&access_token={queryToken}"));
        var (forged, _) = await TestClient.ConnectOrStatusAsync(_gateway.WebSocket($"/tunnel/{session}?access_token={forgedToken}"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged);
        var (forgedHeader, _) = await TestClient.ConnectOrStatusAsync(_gateway.WebSocket($"/tunnel/{session}"),
            o => o.SetRequestHeader("Authorization", "Bearer " + forgedToken));
        Assert.Equal(HttpStatusCode.Unauthorized, forgedHeader);

        await extension.SendAsync(new
        {
            type = "network-request",
            id = "req1",
            data = new
            {
                url = "https://api.example.test/me",
                headers = new
                {
                    request = new Dictionary<string, string>
                    {
                        ["Authorization"] = "Bearer authz-" + unique,
                        ["Cookie"] = "sid=cookie-" + unique,
                        ["X-Api-Key"] = "apikey-" + unique,
                    },
                    response = new Dictionary<string, string> { ["Set-Cookie"] = "sid=setcookie-" + unique },
                },
            },
        });
        var relayed = (await browser.ReceiveTypeAsync("network-request")).ToJsonString();
        Assert.Contains("[REDACTED]", relayed, StringComparison.Ordinal);
        Assert.DoesNotContain(unique, relayed, StringComparison.Ordinal);

        await extension.SendTextAsync("{\"type\":\"network-request\",\"data\":{\"headers\":{\"request\":{\"Authorization\":\"Bearer broken-" + unique + "\"");
        await extension.ReceiveTypeAsync("error");
        await extension.SendAsync(new { type = "auth-refresh", id = "r1", data = new { token = refreshToken } });
        await extension.ReceiveTypeAsync("auth-refresh-ack");
        await extension.SendAsync(new { type = "auth-refresh", id = "r2", data = new { token = forgedToken } });
        await extension.ReceiveTypeAsync("error");

        // Stopping drains the sockets (1012) and logs the closes; then the whole output is read.
        await _gateway.Process.StopAsync(TimeSpan.FromSeconds(20));
        await extension.DisposeAsync();
        await browser.DisposeAsync();
        await _processes.DisposeAsync();
        var lines = File.ReadAllLines(Path.Combine(_processes.LogDirectory, "gateway.log")).Where(l => l.Length > 0).ToList();

        Assert.True(lines.Count > 50, $"expected a verbose log, got {lines.Count} lines");
        foreach (var secret in secrets)
        {
            var leak = lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a secret was logged: {leak}");
        }

        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var connectionLines = entries.Where(e => e.GetProperty("Category").GetString() == Category).ToList();
        Assert.True(connectionLines.Count >= 4, "opened and closed lines of both connections");
        foreach (var entry in connectionLines)
        {
            var scopes = entry.GetProperty("Scopes").EnumerateArray().ToList();
            Assert.Contains(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("SessionId", out var id) && id.GetString() == session);
            Assert.Contains(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("ConnectionId", out var id) && id.GetString()!.StartsWith("c_", StringComparison.Ordinal));
        }

        Assert.Contains(entries, e => e.GetProperty("Category").GetString() == "RapidTriage.Gateway.Operations.DrainCoordinator");
    }

    private static string Signature(string jwt) => jwt[(jwt.LastIndexOf('.') + 1)..];
}
