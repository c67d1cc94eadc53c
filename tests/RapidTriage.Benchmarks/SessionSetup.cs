using System.Collections.Immutable;
using RapidTriage.Contracts;

namespace RapidTriage.Benchmarks;

/// <summary>Fills a session with one producer and some receivers, all on one observer, as a gateway would.</summary>
internal static class SessionSetup
{
    public static async Task<(ISessionGrain Session, CountingObserver Observer, ISessionObserver Reference, InboundEnvelope Envelope)> CreateAsync(
        IGrainFactory grains, int receivers)
    {
        var observer = new CountingObserver();
        var reference = grains.CreateObjectReference<ISessionObserver>(observer);
        var session = grains.GetGrain<ISessionGrain>("bench-" + Guid.NewGuid().ToString("N")[..12]);
        await session.Join(Member("producer", ConnectionRole.Extension), reference);
        for (var i = 0; i < receivers; i++)
        {
            await session.Join(Member($"consumer-{i}", ConnectionRole.Mcp), reference);
        }

        var envelope = new InboundEnvelope(EnvelopeKind.Event, "console-log", "m-1", "producer", Frames.ConsoleLog);
        return (session, observer, reference, envelope);
    }

    private static MemberInfo Member(string id, ConnectionRole role)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new MemberInfo(id, role, "gw-bench", now, null,
            role == ConnectionRole.Extension ? [.. Capabilities.AllCapture] : ImmutableArray<string>.Empty, null, null, null, now);
    }
}
