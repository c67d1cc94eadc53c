using System.Globalization;
using System.Text.Json;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// The filters a log tool takes (keywords, level, url, status, method) on top of its own selection (errors only,
/// for instance). Bad arguments are refused with a message saying what is accepted.
/// </summary>
internal sealed class EventFilter
{
    private readonly Func<string, JsonElement, bool>? _selection;
    private string[] _keywords = [];
    private string[]? _levels;
    private string? _url;
    private (int Min, int Max)? _status;
    private string? _method;

    private EventFilter(Func<string, JsonElement, bool>? selection) => _selection = selection;

    /// <summary>Builds a filter; null and <paramref name="error"/> set when an argument is not understood.</summary>
    public static EventFilter? Create(
        Func<string, JsonElement, bool>? selection,
        out string? error,
        string? keywords = null,
        string? level = null,
        string? url = null,
        string? status = null,
        string? method = null)
    {
        error = null;
        var filter = new EventFilter(selection)
        {
            _keywords = Words(keywords),
            _levels = Words(level?.Replace(',', ' ')) is { Length: > 0 } levels ? levels : null,
            _url = string.IsNullOrWhiteSpace(url) ? null : url.Trim(),
            _method = string.IsNullOrWhiteSpace(method) ? null : method.Trim(),
        };
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (ParseStatus(status.Trim()) is not { } range)
            {
                error = $"status \"{status}\" is not understood: give a code (404), a class (4xx) or a range (400-599).";
                return null;
            }

            filter._status = range;
        }

        return filter;
    }

    public bool Matches(string type, JsonElement data)
    {
        if (_selection is not null && !_selection(type, data))
        {
            return false;
        }

        if (_levels is not null && !_levels.Contains(LevelOf(type, data), StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        if (_url is not null && (UrlOf(data) is not { } eventUrl || !eventUrl.Contains(_url, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (_status is { } range && (StatusOf(data) is not { } code || code < range.Min || code > range.Max))
        {
            return false;
        }

        if (_method is not null && !string.Equals(StringAt(data, "method") ?? StringAt(data, "request", "method"), _method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var keyword in _keywords)
        {
            if (!ContainsText(data, keyword, 0))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>data.level</c>; a <c>console-error</c> without one is an error, anything else a log.</summary>
    public static string LevelOf(string type, JsonElement data) =>
        StringAt(data, "level") ?? (type == "console-error" ? "error" : "log");

    /// <summary><c>data.status</c> (number or numeric string), else <c>data.response.status</c>.</summary>
    public static int? StatusOf(JsonElement data)
    {
        foreach (var value in (ReadOnlySpan<JsonElement>)[At(data, "status"), At(At(data, "response"), "status")])
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
            {
                return number;
            }

            if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }
        }

        return null;
    }

    public static string? UrlOf(JsonElement data) => StringAt(data, "url") ?? StringAt(data, "request", "url");

    /// <summary>True for events that report a failure: <c>console-error</c> or a console entry at level error.</summary>
    public static bool IsConsoleError(string type, JsonElement data) =>
        type == "console-error" || string.Equals(LevelOf(type, data), "error", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for <c>network-error</c>, and requests that failed (status 400 or more, or an <c>error</c>).</summary>
    public static bool IsNetworkError(string type, JsonElement data) =>
        type == "network-error" || StatusOf(data) >= 400
        || At(data, "error").ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False);

    private static (int, int)? ParseStatus(string text)
    {
        if (text.Length == 3 && text.EndsWith("xx", StringComparison.OrdinalIgnoreCase) && text[0] is >= '1' and <= '5')
        {
            var hundreds = (text[0] - '0') * 100;
            return (hundreds, hundreds + 99);
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0
            && int.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            && int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            && min <= max)
        {
            return (min, max);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var exact) ? (exact, exact) : null;
    }

    private static string[] Words(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static JsonElement At(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? StringAt(JsonElement element, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            element = At(element, name);
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static bool ContainsText(JsonElement element, string keyword, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!.Contains(keyword, StringComparison.OrdinalIgnoreCase);
            case JsonValueKind.Number:
                return element.GetRawText().Contains(keyword, StringComparison.Ordinal);
            case JsonValueKind.Object when depth < 16:
                foreach (var property in element.EnumerateObject())
                {
                    if (ContainsText(property.Value, keyword, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array when depth < 16:
                foreach (var item in element.EnumerateArray())
                {
                    if (ContainsText(item, keyword, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
