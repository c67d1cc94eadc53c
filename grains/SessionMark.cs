namespace RapidTriage.Grains;

/// <summary>
/// A session's small record of whether an activation is running, written when one starts (before it serves
/// anything) and when it closes cleanly. Found open by the next activation, it means the last one died: what it
/// had not written may be lost, so the session takes a new epoch. It holds the epoch in use, so activating and
/// closing never rewrite the history (<see cref="SessionState"/>, <see cref="HistorySegment"/>).
/// </summary>
[GenerateSerializer, Alias("rt.SessionMark")]
public sealed class SessionMark
{
    /// <summary>The session's epoch (see <see cref="SessionState.Epoch"/>).</summary>
    [Id(0)] public string Epoch { get; set; } = "";

    /// <summary>True from an activation's start until it closed cleanly with everything written.</summary>
    [Id(1)] public bool Open { get; set; }
}
