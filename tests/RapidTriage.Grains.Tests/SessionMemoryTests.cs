using RapidTriage.Contracts;
using Xunit.Abstractions;
using static RapidTriage.Grains.Tests.RosterTests;

namespace RapidTriage.Grains.Tests;

/// <summary>
/// What an idle session costs in silo memory: many sessions, each with two members and a little history, are
/// activated and left idle; the managed heap grows by their activations plus what storage holds for them. Then
/// their members leave and they are collected: what remains is storage. The difference, per session, is printed.
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class SessionMemoryTests(ScaleFixture fixture, ITestOutputHelper output)
{
    private const int Sessions = 2000;

    [Fact(Timeout = 180_000)]
    public async Task IdleSessions_TwoMembersAndALittleHistory_AllStayActiveUntilTheirMembersLeave()
    {
        var observer = fixture.Grains.CreateObjectReference<ISessionObserver>(new RecordingObserver());
        var keys = Enumerable.Range(0, Sessions).Select(i => $"mem-{Guid.NewGuid():N}"[..20]).ToArray();
        var sessions = keys.Select(k => fixture.Grains.GetGrain<ISessionGrain>(k)).ToArray();
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var before = Heap();

        foreach (var chunk in sessions.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(async session =>
            {
                await session.Join(Member("ext", ConnectionRole.Extension, "gw-mem"), observer);
                await session.Join(Member("mcp", ConnectionRole.Mcp, "gw-mem"), observer);
                for (var i = 0; i < 3; i++)
                {
                    await session.Publish(Envelope("ext", "console-log", $"e{i}", $$$"""{"type":"console-log","id":"e{{{i}}}","data":{"message":"hello {{{i}}}"}}"""));
                }
            }));
        }

        // Past every flush and the idle timeout: what stays is what an idle session holds.
        await Task.Delay(ScaleFixture.MaxFlushInterval * 2 + ScaleFixture.IdleTimeout);
        var active = await ActiveAsync(management, sessions);
        var withSessions = Heap();

        foreach (var chunk in sessions.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(async session =>
            {
                await session.Leave("ext");
                await session.Leave("mcp");
            }));
        }

        await management.ForceActivationCollection(TimeSpan.Zero);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int remaining;
        while ((remaining = await ActiveAsync(management, sessions)) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var afterCollection = Heap();
        var perSession = (withSessions - afterCollection) / (double)Sessions;
        output.WriteLine($"{Sessions} idle sessions: heap +{(withSessions - before) / 1024.0:F0} KiB with them active, " +
            $"+{(afterCollection - before) / 1024.0:F0} KiB after they were collected (storage); " +
            $"{perSession:F0} bytes per idle session activation, {(withSessions - before) / (double)Sessions:F0} bytes per session in all");
        Assert.Equal(Sessions, active);
        Assert.Equal(0, remaining);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(true);
    }

    private static async Task<int> ActiveAsync(IManagementGrain management, IEnumerable<ISessionGrain> sessions)
    {
        var ids = (await management.GetDetailedGrainStatistics()).Select(s => s.GrainId).ToHashSet();
        return sessions.Count(s => ids.Contains(s.GetGrainId()));
    }
}
