using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Handshake;

/// <summary>
/// Behind an ingress every socket's peer is the proxy; <c>X-Forwarded-For</c> names the client, but anyone can send
/// that header. It is read only from the proxies and networks in <c>Relay:ForwardedHeaders</c> (off by default), and
/// then every check that looks at the client's address (per-address limits, local mode's loopback rule) sees the
/// client's.
/// </summary>
internal static class ForwardedClients
{
    public static IServiceCollection AddForwardedClients(this IServiceCollection services, ForwardedHeadersSettings settings)
    {
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = settings.ForwardLimit;

            // The framework trusts loopback by default; here only what is configured is trusted.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies ?? [])
            {
                options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"Relay:ForwardedHeaders:KnownProxies: \"{proxy}\" is not an IP address."));
            }

            foreach (var network in settings.KnownNetworks ?? [])
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Relay:ForwardedHeaders:KnownNetworks: \"{network}\" is not a CIDR network (10.0.0.0/8)."));
            }
        });
        return services;
    }

    public static IApplicationBuilder UseForwardedClients(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<RelayOptions>>().Value.ForwardedHeaders.Enabled
            ? app.UseForwardedHeaders()
            : app;
}
