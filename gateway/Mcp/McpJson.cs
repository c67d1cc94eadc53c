using System.Text.Encodings.Web;
using System.Text.Json;

namespace RapidTriage.Gateway.Mcp;

/// <summary>How tool results are written: compact, and without escaping the characters logs are full of.</summary>
internal static class McpJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
