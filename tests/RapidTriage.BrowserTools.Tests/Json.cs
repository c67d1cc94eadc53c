using System.Text.Json.Nodes;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>Reading legacy answers: status plus parsed JSON, with the body in every failure message.</summary>
internal static class Json
{
    public static async Task<(int Status, JsonNode? Body, string Raw)> ReadAsync(this Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var raw = await response.Content.ReadAsStringAsync();
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(raw);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        return ((int)response.StatusCode, body, raw);
    }

    public static List<string?> Strings(this JsonNode? array, string field) =>
        [.. array!.AsArray().Select(e => e?[field]?.ToString())];
}
