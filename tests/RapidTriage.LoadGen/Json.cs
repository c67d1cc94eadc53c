using System.Text.Json;

namespace RapidTriage.LoadGen;

/// <summary>How results are written and read.</summary>
internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
