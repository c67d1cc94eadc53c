using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// The legacy endpoints that add to a session or read one value back: <c>/extension-log</c>, <c>/selected-element</c>,
/// <c>/current-url</c>, <c>/wipelogs</c>. Request and response shapes are browser-tools-server 1.2.0's.
/// </summary>
internal static class CaptureEndpoints
{
    /// <summary>The extension's log types and the event type each becomes (their fields stay inside <c>data</c>).</summary>
    private static readonly Dictionary<string, string> LogTypes = new(StringComparer.Ordinal)
    {
        ["console-log"] = "console-log",
        ["console-error"] = "console-error",
        ["network-request"] = "network-request",
        ["page-navigated"] = "page-navigated",
        ["selected-element"] = "element-selected",
    };

    private static readonly ImmutableArray<string> UrlTypes = ["page-navigated"];
    private static readonly ImmutableArray<string> ElementTypes = ["element-selected"];

    public static async Task<IResult> ExtensionLogAsync(
        HttpContext context, CaptureWriter writer, LegacySettingsStore settings, IOptions<BrowserToolsOptions> options)
    {
        var (document, refusal) = await LegacyBody.ReadObjectAsync(context, options.Value.MaxBodyBytes);
        if (refusal is not null)
        {
            return refusal;
        }

        using (document)
        {
            var body = document!.RootElement;
            var sessionId = BrowserToolsApi.Session(context);
            if (body.TryGetProperty("settings", out var newSettings))
            {
                settings.Update(sessionId, newSettings);
            }

            if (!body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return LegacyBody.Error(StatusCodes.Status400BadRequest, "No data provided");
            }

            var logType = data.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
            if (logType is null || !LogTypes.TryGetValue(logType, out var eventType))
            {
                return LegacyBody.Error(StatusCodes.Status400BadRequest,
                    $"Unknown log type {(logType is null ? "(data.type is missing)" : $"\"{logType}\"")}; known: {string.Join(", ", LogTypes.Keys)}.");
            }

            return Answer(await writer.PostAsync(sessionId, eventType, data), new { status = "ok" });
        }
    }

    public static async Task<IResult> GetSelectedElementAsync(HttpContext context, CaptureReader reader)
    {
        var data = await reader.NewestDataAsync(BrowserToolsApi.Session(context), ElementTypes, static _ => true);
        return data is { } found && found.TryGetProperty("element", out var element) && element.ValueKind is not JsonValueKind.Null
            ? Results.Json(element)
            : Results.Json(new { message = "No element selected" });
    }

    public static async Task<IResult> PostSelectedElementAsync(HttpContext context, CaptureWriter writer, IOptions<BrowserToolsOptions> options)
    {
        var (document, refusal) = await LegacyBody.ReadObjectAsync(context, options.Value.MaxBodyBytes);
        if (refusal is not null)
        {
            return refusal;
        }

        using (document)
        {
            if (!document!.RootElement.TryGetProperty("data", out var element))
            {
                return LegacyBody.Error(StatusCodes.Status400BadRequest, "No data provided");
            }

            var outcome = await writer.PostAsync(BrowserToolsApi.Session(context), "element-selected", w =>
            {
                w.WritePropertyName("element");
                element.WriteTo(w);
            });
            return Answer(outcome, new { status = "ok" });
        }
    }

    public static async Task<IResult> GetCurrentUrlAsync(HttpContext context, CaptureReader reader)
    {
        var data = await reader.NewestDataAsync(BrowserToolsApi.Session(context), UrlTypes, HasUrl);
        return Results.Json(new { url = data is { } found ? found.GetProperty("url").GetString() : "" });
    }

    public static async Task<IResult> PostCurrentUrlAsync(
        HttpContext context, CaptureWriter writer, CaptureReader reader, IOptions<BrowserToolsOptions> options)
    {
        var (document, refusal) = await LegacyBody.ReadObjectAsync(context, options.Value.MaxBodyBytes);
        if (refusal is not null)
        {
            return refusal;
        }

        using (document)
        {
            var body = document!.RootElement;
            if (!HasUrl(body))
            {
                return LegacyBody.Error(StatusCodes.Status400BadRequest, "No URL provided");
            }

            var sessionId = BrowserToolsApi.Session(context);
            var previous = await reader.NewestDataAsync(sessionId, UrlTypes, HasUrl);
            var outcome = await writer.PostAsync(sessionId, "page-navigated", body);
            var url = body.GetProperty("url").GetString()!;
            var previousUrl = previous?.GetProperty("url").GetString() ?? "";
            var tabId = Truthy(body, "tabId") ?? (previous is { } p ? Truthy(p, "tabId") : null);
            return Answer(outcome, new { status = "ok", url, tabId, previousUrl, updated = previousUrl != url });
        }
    }

    /// <summary>
    /// Empties the session's history (<c>clear-logs</c>). The current URL is not a log: browser-tools-server keeps it
    /// across a wipe, so the newest <c>page-navigated</c> is added back.
    /// </summary>
    public static async Task<IResult> WipeLogsAsync(HttpContext context, CaptureWriter writer, CaptureReader reader)
    {
        var sessionId = BrowserToolsApi.Session(context);
        var current = await reader.NewestDataAsync(sessionId, UrlTypes, HasUrl);
        await writer.ClearAsync(sessionId);
        if (current is { } kept)
        {
            await writer.PostAsync(sessionId, "page-navigated", kept);
        }

        return Results.Json(new { status = "ok", message = "All logs cleared successfully" });
    }

    private static bool HasUrl(JsonElement data) =>
        data.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && url.GetString()!.Length > 0;

    /// <summary>A field's value when JavaScript would call it truthy (as the original's <c>if (body.tabId)</c>), else null.</summary>
    private static JsonElement? Truthy(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
            JsonValueKind.Number => value.GetDouble() != 0,
            JsonValueKind.String => value.GetString()!.Length > 0,
            _ => true,
        }
            ? value.Clone()
            : null;

    private static IResult Answer(PostOutcome outcome, object ok) => outcome.Error is { } error
        ? LegacyBody.Error(StatusCodes.Status400BadRequest, $"{error.Code}: {error.Message}")
        : Results.Json(ok);
}
