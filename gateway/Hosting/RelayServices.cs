using System.Text.Encodings.Web;
using Microsoft.AspNetCore.WebSockets;
using RapidTriage.Gateway.Api;
using RapidTriage.Gateway.Auth;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Fanout;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Options;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Hosting;

/// <summary>Registers the gateway's services and binds its configuration.</summary>
internal static class RelayServices
{
    public static WebApplicationBuilder AddRelay(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(RelayOptions.SectionName);
        var relay = section.Get<RelayOptions>() ?? new RelayOptions();

        // Relay:Urls is the documented key; ASPNETCORE_URLS / --urls still work when it is not set.
        if (section["Urls"] is { Length: > 0 } urls || string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(section["Urls"] ?? relay.Urls);
        }

        builder.Services.AddOptions<RelayOptions>().Bind(section);

        // Problem responses carry text for a person: "it's" and quotes as they are, not \u0027 and \u0022.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.RequestHeadersTimeout = relay.Limits.HandshakeTimeout);
        builder.Services.AddWebSockets(o =>
        {
            o.KeepAliveInterval = relay.HeartbeatInterval;

            // Silent for two heartbeat intervals (ping sent, no pong within one more): closed.
            o.KeepAliveTimeout = relay.HeartbeatInterval;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<OriginPolicy>();
        builder.Services.AddSingleton<HandshakeGate>();
        builder.Services.AddSingleton<RefusalLog>();
        builder.Services.AddSingleton<AddressLimiter>();
        builder.Services.AddSingleton<LocalSessionLimiter>();
        builder.Services.AddForwardedClients(relay.ForwardedHeaders);
        builder.Services.AddSessionApiLimits(relay.Api);
        builder.Services.AddHostedService<OpenOriginWarning>();
        builder.Services.AddSingleton<CredentialRedactor>();
        builder.Services.AddSingleton<EnvelopeParser>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<GatewayIdentity>();
        builder.Services.AddSingleton<SessionFanout>();
        builder.Services.AddSingleton<ConnectionServices>();
        builder.Services.AddSingleton<Sessions.SessionCalls>();
        builder.Services.AddGatewaySessions();
        builder.Services.AddSingleton(new StartupBannerOutput(Console.Out));
        builder.Services.AddHostedService<StartupBanner>();
        return builder;
    }
}
