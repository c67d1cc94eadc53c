using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Auth;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Fanout;
using RapidTriage.Gateway.Operations;
using RapidTriage.Gateway.Options;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Connections;

/// <summary>What every connection uses, gathered so a connection is cheap to create.</summary>
internal sealed class ConnectionServices(
    IOptions<RelayOptions> options,
    EnvelopeParser parser,
    TokenService tokens,
    IGrainFactory grains,
    SessionFanout fanout,
    GatewaySessions sessions,
    ConnectionRegistry registry,
    GatewayIdentity identity,
    RelayMetrics metrics,
    ILoggerFactory loggers)
{
    public RelayOptions Options { get; } = options.Value;

    public EnvelopeParser Parser { get; } = parser;

    public TokenService Tokens { get; } = tokens;

    public IGrainFactory Grains { get; } = grains;

    public SessionFanout Fanout { get; } = fanout;

    public GatewaySessions Sessions { get; } = sessions;

    public ConnectionRegistry Registry { get; } = registry;

    public GatewayIdentity Identity { get; } = identity;

    public RelayMetrics Metrics { get; } = metrics;

    public ILogger Logger { get; } = loggers.CreateLogger("RapidTriage.Gateway.Connection");
}
