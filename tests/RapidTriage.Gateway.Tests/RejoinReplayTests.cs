using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using RapidTriage.Contracts;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// A session that lost its roster (its activation ended) rebuilds it from the gateway's renewal and owes each
/// connection what was stamped meanwhile: read from history at the socket's pace, however much it is.
/// </summary>
public sealed class RejoinReplayTests
{
    [Fact(Timeout = TestTimeouts.Long)]
    public async Task SessionReactivated_MoreThanTheSendQueueStampedMeanwhile_LiveConsumerGetsItAllInOrder()
    {
        await using var server = await RelayServer.StartAsync(
            "Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000", "Relay:Cluster:RenewInterval=00:00:01");
        var session = RelayFixture.NewSession();
        await using var consumer = await server.ConnectInitializedAsync(Endpoints.Mcp, session, new { clientType = "consumer" });
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var grain = grains.GetGrain<ISessionGrain>(session);

        // The activation ends (as when its silo shuts down); the next call starts a new one with an empty roster.
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var padding = new string('x', 4096);
        const int Count = 600;
        for (var i = 1; i <= Count; i++)
        {
            var json = Encoding.UTF8.GetBytes($$$"""{"type":"console-log","id":"h{{{i}}}","data":{"padding":"{{{padding}}}"}}""");
            await grain.Post(new InboundEnvelope(EnvelopeKind.Event, "console-log", $"h{i}", "http:capture", json));
        }

        var page = await grain.GetHistory(new HistoryQuery([], 0, 1));
        Assert.Equal(Count, page.LastSeq);

        // 2.4 MiB stamped while the consumer was not in the roster: it gets them once the renewal puts it back.
        var seqs = new List<long>();
        while (seqs.Count < Count)
        {
            var frame = await consumer.ReceiveAsync(TimeSpan.FromSeconds(20));
            if (frame.Type() == "console-log")
            {
                seqs.Add(frame["seq"]!.GetValue<long>());
            }
        }

        Assert.Equal(Enumerable.Range(1, Count).Select(i => (long)i), seqs);
        Assert.Equal("alive", (await consumer.HeartbeatAsync()).DataString("status"));
    }
}
