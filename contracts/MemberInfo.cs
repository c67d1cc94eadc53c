using System.Collections.Immutable;

namespace RapidTriage.Contracts;

/// <summary>One connection in a session's roster (docs/protocol.md section 2).</summary>
/// <param name="ConnectionId">Unique id the gateway gave the connection.</param>
/// <param name="Role">The endpoint it came in on.</param>
/// <param name="GatewayId">The gateway holding its socket.</param>
/// <param name="ConnectedAt">Unix milliseconds when the socket opened.</param>
/// <param name="ClientType">From <c>connection-init</c>, if any.</param>
/// <param name="Capabilities">What commands it can serve.</param>
/// <param name="TabId">From <c>connection-init</c>, if any.</param>
/// <param name="UserAgent">From <c>connection-init</c>, if any.</param>
/// <param name="Version">From <c>connection-init</c>, if any.</param>
/// <param name="LastSeen">Unix milliseconds of the last message or renewal.</param>
[GenerateSerializer, Immutable, Alias("rt.MemberInfo")]
public sealed record MemberInfo(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] ConnectionRole Role,
    [property: Id(2)] string GatewayId,
    [property: Id(3)] long ConnectedAt,
    [property: Id(4)] string? ClientType,
    [property: Id(5)] ImmutableArray<string> Capabilities,
    [property: Id(6)] string? TabId,
    [property: Id(7)] string? UserAgent,
    [property: Id(8)] string? Version,
    [property: Id(9)] long LastSeen);
