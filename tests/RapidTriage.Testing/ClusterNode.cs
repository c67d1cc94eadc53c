using System.Globalization;
using System.Net;
using Xunit;

namespace RapidTriage.Testing;

/// <summary>A silo or gateway process and its HTTP port (health, metrics; for a gateway also the relay).</summary>
public sealed class ClusterNode(ChildProcess process, int httpPort, TimeSpan startTimeout)
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5) };

    public ChildProcess Process { get; } = process;

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
        HttpStatusCode? last = null;
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                last = await StatusAsync(path);
                return last == status || Process.HasExited;
            }, timeout ?? startTimeout, $"{Process.Name} {path} answers {(int)status}");
        }
        catch (TimeoutException)
        {
        }

        if (last != status)
        {
            var said = last is { } l ? ((int)l).ToString(CultureInfo.InvariantCulture) : "no answer";
            throw new TimeoutException($"{Process.Name} {path}: wanted {(int)status}, last {said}{(Process.HasExited ? " (exited)" : "")}.\n{Process.Tail()}");
        }
    }

    /// <summary>Waits until <c>/readyz</c> answers 200.</summary>
    public Task WaitReadyAsync() => WaitForStatusAsync("/readyz", HttpStatusCode.OK);
}
