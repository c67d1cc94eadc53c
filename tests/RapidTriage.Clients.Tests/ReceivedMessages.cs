using System.Text.Json;
using System.Text.Json.Nodes;

namespace RapidTriage.Clients.Tests;

/// <summary>The messages an example client's driver printed, one <c>RECV &lt;json&gt;</c> line each.</summary>
internal static class ReceivedMessages
{
    private const string Prefix = "RECV ";

    public static IReadOnlyList<JsonObject> Parse(string output)
    {
        var messages = new List<JsonObject>();
        foreach (var line in output.Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (!text.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                messages.Add(JsonNode.Parse(text[Prefix.Length..])!.AsObject());
            }
            catch (JsonException ex)
            {
                throw new FormatException($"Not a JSON object after RECV: {text}", ex);
            }
        }

        return messages;
    }

    public static IReadOnlyList<JsonObject> OfType(this IReadOnlyList<JsonObject> messages, string type) =>
        messages.Where(m => m["type"]?.GetValue<string>() == type).ToList();

    public static string? Text(this JsonObject message, string dataField) =>
        message["data"]?[dataField]?.GetValue<string>();
}
