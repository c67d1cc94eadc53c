using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>What a gateway must do with a <see cref="Delivery"/>.</summary>
public enum DeliveryKind
{
    /// <summary>An event with a <c>seq</c>: subject to the send-queue bound and recovery de-duplication.</summary>
    Event = 0,

    /// <summary>A command, response or presence message: never dropped.</summary>
    Message = 1,

    /// <summary>The session could not keep up with this gateway: close the targets with 4108.</summary>
    Overflow = 2,

    /// <summary>
    /// The session lost the targets from its roster and put them back (<see cref="ISessionGrain.Renew"/>): events
    /// were stamped meanwhile that were never delivered to them. Before anything newer, the gateway reads them
    /// from history (<see cref="ISessionGrain.ReadReplay"/>) after what it had already queued.
    /// </summary>
    Rewind = 3,
}

/// <summary>One frame for some connections on one gateway.</summary>
/// <param name="Kind">How to treat it.</param>
/// <param name="Seq">The event's <c>seq</c>; for <see cref="DeliveryKind.Rewind"/> the <c>seq</c> the renewal said was queued; else 0.</param>
/// <param name="Payload">The exact UTF-8 bytes to send.</param>
/// <param name="Targets">Connection ids on the receiving gateway.</param>
/// <param name="RosterSize">For <c>member-joined</c>/<c>member-left</c>: the roster's size after the change; else 0.</param>
[GenerateSerializer, Immutable, Alias("rt.Delivery")]
public sealed record Delivery(
    [property: Id(0)] DeliveryKind Kind,
    [property: Id(1)] long Seq,
    [property: Id(2)] byte[] Payload,
    [property: Id(3)] ImmutableArray<string> Targets,
    [property: Id(4)] int RosterSize = 0);
