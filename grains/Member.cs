using System.Collections.Immutable;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>A roster entry as the grain keeps it: the gateway's description plus what changes often.</summary>
internal sealed class Member(MemberInfo info, GatewayLink gateway)
{
    public MemberInfo Info { get; set; } = info;

    public GatewayLink Gateway { get; set; } = gateway;

    public long LastSeen { get; set; } = info.LastSeen;

    /// <summary>Renewals from its gateway in a row that did not list it.</summary>
    public int MissedRenewals { get; set; }

    public string Id => Info.ConnectionId;

    public MemberInfo Snapshot() => Info with { LastSeen = LastSeen };

    /// <summary>Whether this member receives <paramref name="commandType"/> (docs/protocol.md section 4).</summary>
    public bool CanServe(string commandType)
    {
        if (Info.Role == ConnectionRole.Mcp)
        {
            return false;
        }

        var have = Info.Capabilities.IsDefault ? ImmutableArray<string>.Empty : Info.Capabilities;
        foreach (var needed in MessageTypes.CapabilitiesFor(commandType))
        {
            if (have.Contains(needed))
            {
                return true;
            }
        }

        return false;
    }
}
