namespace RapidTriage.Grains;

/// <summary>A command waiting for its response.</summary>
internal sealed record PendingCommand(string RequesterId, string ResponseType, DateTime Deadline);
