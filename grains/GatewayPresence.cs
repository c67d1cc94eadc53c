using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// One per silo: knows which of this silo's session activations hold a link to which gateway (sessions say so as
/// links come and go, and when they deactivate), reads the <see cref="IGatewayRegistryGrain"/> every
/// <see cref="ClusterOptions.PresencePoll"/>, and tells exactly the sessions linked to a gateway silent for longer
/// than <see cref="ClusterOptions.GatewayExpiry"/> (<see cref="ISessionMaintenance.GatewaysGone"/>), so no session
/// needs a timer of its own to find a dead gateway. It declares nobody gone while it cannot read the registry
/// (unknown is not gone), nor while the registry is younger than the expiry (it just moved to another silo and
/// has not heard every gateway yet): then sessions fall back to <see cref="ClusterOptions.ObserverExpiry"/>. A
/// gateway that never beats (local mode, where the gateway is the silo's own process) is never declared gone.
/// </summary>
internal sealed partial class GatewayPresence(
    IGrainFactory grains,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<GatewayPresence> logger) : BackgroundService
{
    private readonly ClusterOptions _options = options.Value.Cluster;

    /// <summary>Per gateway id: the ids of the sessions on this silo linked to it.</summary>
    private readonly Dictionary<string, HashSet<string>> _links = new(StringComparer.Ordinal);
    private ImmutableHashSet<string> _gone = [];

    /// <summary>True once the registry said the gateway stopped beating (until it beats again).</summary>
    public bool IsGone(string gatewayId) => _gone.Contains(gatewayId);

    /// <summary>Session activations on this silo linked to <paramref name="gatewayId"/>.</summary>
    public int LinkedSessions(string gatewayId)
    {
        lock (_links)
        {
            return _links.TryGetValue(gatewayId, out var sessions) ? sessions.Count : 0;
        }
    }

    /// <summary>A session on this silo holds a link to <paramref name="gatewayId"/>.</summary>
    public void Linked(string gatewayId, string sessionId)
    {
        lock (_links)
        {
            if (!_links.TryGetValue(gatewayId, out var sessions))
            {
                sessions = new HashSet<string>(StringComparer.Ordinal);
                _links.Add(gatewayId, sessions);
            }

            sessions.Add(sessionId);
        }
    }

    /// <summary>The session dropped its link to <paramref name="gatewayId"/> (or deactivated).</summary>
    public void Unlinked(string gatewayId, string sessionId)
    {
        lock (_links)
        {
            if (_links.TryGetValue(gatewayId, out var sessions) && sessions.Remove(sessionId) && sessions.Count == 0)
            {
                _links.Remove(gatewayId);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PresencePoll, time);
        var registry = grains.GetGrain<IGatewayRegistryGrain>(0);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            ImmutableHashSet<string> gone;
            try
            {
                var roll = await registry.Roll().WaitAsync(_options.PresencePoll * 2, stoppingToken);
                gone = roll.ListeningFor < _options.GatewayExpiry
                    ? []
                    : roll.SilentFor.Where(g => g.Value > _options.GatewayExpiry).Select(g => g.Key).ToImmutableHashSet(StringComparer.Ordinal);
                foreach (var id in gone.Except(_gone))
                {
                    LogGone(id, roll.SilentFor[id]);
                }

                _gone = gone;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Unknown is not gone: while the registry cannot be read, nobody is declared dead by it.
                LogReadFailed(ex);
                continue;
            }

            await TellSessionsAsync(gone);
        }
    }

    /// <summary>
    /// Tells every session still linked to a gone gateway (each once per read: a session that could not be told
    /// stays linked and is told again at the next read, while the gateway stays gone).
    /// </summary>
    private async Task TellSessionsAsync(ImmutableHashSet<string> gone)
    {
        if (gone.IsEmpty)
        {
            return;
        }

        var bySession = new Dictionary<string, ImmutableArray<string>.Builder>(StringComparer.Ordinal);
        lock (_links)
        {
            foreach (var gatewayId in gone)
            {
                if (_links.TryGetValue(gatewayId, out var sessions))
                {
                    foreach (var sessionId in sessions)
                    {
                        if (!bySession.TryGetValue(sessionId, out var gateways))
                        {
                            gateways = ImmutableArray.CreateBuilder<string>();
                            bySession.Add(sessionId, gateways);
                        }

                        gateways.Add(gatewayId);
                    }
                }
            }
        }

        await Task.WhenAll(bySession.Select(async s =>
        {
            try
            {
                await grains.GetGrain<ISessionMaintenance>(s.Key).GatewaysGone(s.Value.ToImmutable()).WaitAsync(_options.PresencePoll * 4);
            }
            catch (Exception ex)
            {
                LogTellFailed(ex, s.Key);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} silent for {Silent}: its members leave their sessions")]
    private partial void LogGone(string gatewayId, TimeSpan silent);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the gateway registry failed")]
    private partial void LogReadFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Telling session {SessionId} that gateways are gone failed; the next read tells it again")]
    private partial void LogTellFailed(Exception ex, string sessionId);
}
