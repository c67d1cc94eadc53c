namespace RapidTriage.Silo.Hosting;

/// <summary>
/// <c>probe URL</c>: exits 0 when the URL answers 2xx within 3 s, else 1. The container images' HEALTHCHECK
/// runs it (gateway and silo alike), since the runtime image has no curl.
/// </summary>
public static class ProbeCommand
{
    public static async Task<int> RunAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            return 1;
        }
    }
}
