namespace RapidTriage.Gateway.Options;

/// <summary>
/// <c>Relay:ForwardedHeaders:*</c>: which proxies (an ingress, a load balancer) may name the client in
/// <c>X-Forwarded-For</c>. Off while both lists are empty: the socket's peer is the client.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "Relay:ForwardedHeaders";

    /// <summary>Proxy addresses trusted to set <c>X-Forwarded-For</c> (<c>10.0.0.4</c>).</summary>
    public List<string>? KnownProxies { get; set; }

    /// <summary>Proxy networks trusted to set <c>X-Forwarded-For</c>, in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).</summary>
    public List<string>? KnownNetworks { get; set; }

    /// <summary>How many proxies of the chain are read, from the nearest.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies is { Count: > 0 } || KnownNetworks is { Count: > 0 };
}
