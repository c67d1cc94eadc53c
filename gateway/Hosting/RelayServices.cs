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

/// <summary>Registers the gateway's core services (handshake, connections, fan-out) with the bound <c>Relay</c> options.</summary>
internal static class RelayServices
{
    /// <summary>Uses <paramref name="relay"/>, the bound <c>Relay</c> section, for the listening URLs and the Kestrel and WebSocket limits.</summary>
    public static WebApplicationBuilder AddRelay(this WebApplicationBuilder builder, RelayOptions relay)
    {
        // Relay:Urls is the documented key; ASPNETCORE_URLS / --urls still work while it is left at its default.
        if (relay.Urls != RelayOptions.DefaultUrls || string.IsNullOrEmpty(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey)))
        {
            builder.WebHost.UseUrls(relay.Urls);
        }

        // Problem responses carry text for a person: "it's" and quotes as they are, not \u0027 and \u0022.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.RequestHeadersTimeout = relay.Limits.HandshakeTimeout);
        // Pings and the close of a silent socket are SocketLiveness's (one sweep for all sockets), not a timer per socket.
        builder.Services.AddWebSockets(o => o.KeepAliveInterval = TimeSpan.Zero);
        builder.Services.AddSingleton<SocketLiveness>();
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
