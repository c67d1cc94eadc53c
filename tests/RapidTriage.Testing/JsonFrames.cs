using System.Text.Json.Nodes;

namespace RapidTriage.Testing;

/// <summary>Short reads of relay frames in assertions.</summary>
public static class JsonFrames
{
    /// <summary>The frame's <c>type</c>, or null.</summary>
    public static string? Type(this JsonObject frame) => frame["type"] is JsonValue value && value.TryGetValue<string>(out var type) ? type : null;

    /// <summary>The frame's <c>id</c>, or null.</summary>
    public static string? Id(this JsonObject frame) => frame["id"] is JsonValue value && value.TryGetValue<string>(out var id) ? id : null;

    /// <summary>A string at <c>data.name</c>, or null.</summary>
    public static string? DataString(this JsonObject frame, string name) =>
        frame["data"]?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>True for roster announcements, which arrive whenever members come and go.</summary>
    public static bool IsPresence(this JsonObject frame) => frame.Type() is "member-joined" or "member-updated" or "member-left";
}
