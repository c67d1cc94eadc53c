using System.Text.Json;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// What the BrowserTools extension sends as <c>settings</c> with every log, and the list endpoints honour (defaults as
/// browser-tools-server 1.2.0's). <c>stringSizeLimit</c> and <c>maxLogSize</c> are applied by the extension itself
/// before it posts, as with the original server.
/// </summary>
/// <param name="LogLimit">Newest entries a list endpoint returns per list.</param>
/// <param name="QueryLimit">Characters of JSON a list endpoint returns at most (the newest entries that fit).</param>
/// <param name="ShowRequestHeaders">Keep <c>requestHeaders</c> in network entries.</param>
/// <param name="ShowResponseHeaders">Keep <c>responseHeaders</c> in network entries.</param>
internal sealed record LegacySettings(int LogLimit, int QueryLimit, bool ShowRequestHeaders, bool ShowResponseHeaders)
{
    public static LegacySettings Default { get; } = new(50, 30000, false, false);

    /// <summary>These settings with the fields <paramref name="settings"/> carries, each capped by our own limits.</summary>
    public LegacySettings With(JsonElement settings, BrowserToolsOptions limits)
    {
        if (settings.ValueKind != JsonValueKind.Object)
        {
            return this;
        }

        return new LegacySettings(
            Clamp(PositiveInt(settings, "logLimit") ?? LogLimit, limits.MaxLogLimit),
            Clamp(PositiveInt(settings, "queryLimit") ?? QueryLimit, limits.MaxQueryLimit),
            Bool(settings, "showRequestHeaders") ?? ShowRequestHeaders,
            Bool(settings, "showResponseHeaders") ?? ShowResponseHeaders);
    }

    /// <summary>The same settings within our own limits.</summary>
    public LegacySettings CappedBy(BrowserToolsOptions limits) =>
        this with { LogLimit = Clamp(LogLimit, limits.MaxLogLimit), QueryLimit = Clamp(QueryLimit, limits.MaxQueryLimit) };

    private static int Clamp(int value, int max) => Math.Clamp(value, 1, max);

    private static int? PositiveInt(JsonElement settings, string name) =>
        settings.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
            && number >= 1
            ? (int)Math.Min(number, int.MaxValue)
            : null;

    private static bool? Bool(JsonElement settings, string name) =>
        settings.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;
}
