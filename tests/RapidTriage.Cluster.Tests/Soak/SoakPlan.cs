namespace RapidTriage.Cluster.Tests.Soak;

/// <summary>What a soak does: how many sessions, how fast, how long, and what it breaks when.</summary>
/// <param name="Sessions">Sessions, each with one producer on gateway 0 and one consumer on gateway 1.</param>
/// <param name="EventsPerSecond">Per session.</param>
/// <param name="Duration">How long producers send new events.</param>
/// <param name="Drain">How long, after that, every producer may take to get its events accepted and every consumer to receive them.</param>
/// <param name="Disruptions">In order of <see cref="Disruption.At"/>.</param>
internal sealed record SoakPlan(int Sessions, int EventsPerSecond, TimeSpan Duration, TimeSpan Drain, IReadOnlyList<Disruption> Disruptions)
{
    /// <summary>The documented soak (<c>tests/soak/run.sh</c>): 5 minutes; a silo, then a gateway, then Azurite.</summary>
    public static SoakPlan Full(int sessions = 50, int eventsPerSecond = 4) => new(
        sessions,
        eventsPerSecond,
        TimeSpan.FromMinutes(5),
        TimeSpan.FromSeconds(60),
        [
            new Disruption(TimeSpan.FromSeconds(30), DisruptionKind.SiloKill, TimeSpan.FromSeconds(20)),
            new Disruption(TimeSpan.FromSeconds(110), DisruptionKind.GatewayKill, TimeSpan.FromSeconds(15), Index: 1),
            new Disruption(TimeSpan.FromSeconds(180), DisruptionKind.AzuriteKill, TimeSpan.FromSeconds(30)),
        ]);

    /// <summary>The suite's version: about a minute of traffic and one silo kill.</summary>
    public static SoakPlan Short() => new(
        20,
        5,
        TimeSpan.FromSeconds(45),
        TimeSpan.FromSeconds(40),
        [new Disruption(TimeSpan.FromSeconds(15), DisruptionKind.SiloKill, TimeSpan.FromSeconds(10))]);
}

internal enum DisruptionKind
{
    /// <summary>SIGKILL of the silo that hosts the most sessions; started again after <see cref="Disruption.Down"/>.</summary>
    SiloKill,

    /// <summary>SIGKILL of gateway <see cref="Disruption.Index"/>; started again after <see cref="Disruption.Down"/>.</summary>
    GatewayKill,

    /// <summary>SIGKILL of Azurite (tables and blobs gone for <see cref="Disruption.Down"/>), then started again on the same data.</summary>
    AzuriteKill,
}

internal sealed record Disruption(TimeSpan At, DisruptionKind Kind, TimeSpan Down, int Index = 0);
