using System.Collections.Immutable;
using System.Text;
using RapidTriage.Contracts;

namespace RapidTriage.Grains.Tests;

/// <summary>Members and envelopes as a gateway would hand them to a session.</summary>
internal static class TestWire
{
    /// <summary>A member joined now; an extension captures everything unless given <paramref name="capabilities"/>.</summary>
    public static MemberInfo Member(string id, ConnectionRole role, string gateway = "gw-1", params string[] capabilities) =>
        new(id, role, gateway, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null,
            capabilities.Length > 0 ? [.. capabilities] : role == ConnectionRole.Extension ? [.. Capabilities.AllCapture] : ImmutableArray<string>.Empty,
            null, null, null, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public static InboundEnvelope Envelope(string sender, string type, string id, string json) =>
        new(MessageTypes.KindOf(type), type, id, sender, Encoding.UTF8.GetBytes(json));
}
