using System.Net;
using RapidTriage.Cluster.Tests;

namespace RapidTriage.Operations.Tests.Harness;

/// <summary>A silo or gateway process and its HTTP port (health, metrics; for a gateway also the relay).</summary>
internal sealed class Node(NodeProcess process, int httpPort, TimeSpan startTimeout)
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5) };

    public NodeProcess Process { get; } = process;

    public int HttpPort { get; } = httpPort;

    public Uri Http(string pathAndQuery) => new($"http://127.0.0.1:{HttpPort}{pathAndQuery}");

    public Uri WebSocket(string pathAndQuery) => new($"ws://127.0.0.1:{HttpPort}{pathAndQuery}");

    /// <summary>The status of a GET, or null when nothing answered.</summary>
    public async Task<HttpStatusCode?> StatusAsync(string path)
    {
        try
        {
            using var response = await Client.GetAsync(Http(path));
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<string> GetStringAsync(string path)
    {
        using var response = await Client.GetAsync(Http(path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Waits until <paramref name="path"/> answers <paramref name="status"/>; fails with the process's output.</summary>
    public async Task WaitForStatusAsync(string path, HttpStatusCode status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? startTimeout);
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await StatusAsync(path);
            if (last == status)
            {
                return;
            }

            if (Process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Process.Name} {path}: wanted {(int)status}, last {(last is { } l ? ((int)l).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer")}.\n{Process.Tail()}");
    }

    public Task WaitReadyAsync() => WaitForStatusAsync("/readyz", HttpStatusCode.OK);

    public async Task<Scrape> ScrapeAsync() => Scrape.Parse(await GetStringAsync("/metrics"));
}
