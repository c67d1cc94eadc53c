namespace RapidTriage.Contracts;

/// <summary>How the session routes an envelope (docs/protocol.md section 4). Control messages never reach a grain.</summary>
public enum EnvelopeKind
{
    /// <summary>Stamped with <c>seq</c>, kept in history, sent to every other member.</summary>
    Event = 0,

    /// <summary>Sent to capable <c>extension</c>/<c>tunnel</c> members; answered by a response.</summary>
    Command = 1,

    /// <summary>Sent only to the connection whose command has the same id.</summary>
    Response = 2,
}
