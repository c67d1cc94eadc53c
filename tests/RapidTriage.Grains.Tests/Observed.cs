using System.Text.Json.Nodes;
using RapidTriage.Contracts;

namespace RapidTriage.Grains.Tests;

/// <summary>What a <see cref="RecordingObserver"/> received for one connection, picked apart.</summary>
internal static class Observed
{
    public static List<Delivery> Events(RecordingObserver observer, string connectionId) =>
        [.. observer.For(connectionId).Where(d => d.Kind == DeliveryKind.Event)];

    public static List<JsonObject> Frames(RecordingObserver observer, string connectionId, string type) =>
        [.. observer.FramesFor(connectionId).Where(f => f["type"]?.GetValue<string>() == type)];

    /// <summary>Ids of the commands a member received.</summary>
    public static List<string> Ids(RecordingObserver observer, string connectionId) =>
        [.. observer.FramesFor(connectionId)
            .Where(f => f["type"]?.GetValue<string>() is MessageTypes.ScreenshotRequest or MessageTypes.ClearLogs)
            .Select(f => f["id"]!.GetValue<string>())];

    public static string? IdOf(Delivery delivery) => JsonNode.Parse(delivery.Payload)!["id"]?.GetValue<string>();
}
