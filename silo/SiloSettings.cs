using System.Net;
using Microsoft.Extensions.Configuration;

namespace RapidTriage.Silo;

/// <summary>The silo's own settings, read once at start.</summary>
internal sealed record SiloSettings(
    string ConnectionString,
    string ContainerName,
    string ClusterId,
    string ServiceId,
    IPAddress AdvertisedAddress,
    bool ListenOnAnyAddress,
    int SiloPort,
    int GatewayPort,
    TimeSpan ShutdownTimeout)
{
    public static SiloSettings From(IConfiguration configuration) => new(
        configuration.GetValue("Relay:Storage:ConnectionString", "UseDevelopmentStorage=true")!,
        configuration.GetValue("Relay:Storage:ContainerName", "sessions")!,
        configuration.GetValue("Relay:Cluster:ClusterId", "rapidtriage")!,
        configuration.GetValue("Relay:Cluster:ServiceId", "rapidtriage")!,
        Operations.AdvertisedAddress.Parse(configuration.GetValue("Relay:Silo:AdvertisedAddress", "127.0.0.1")!),
        configuration.GetValue("Relay:Silo:ListenOnAnyAddress", false),
        configuration.GetValue("Relay:Silo:SiloPort", 11111),
        configuration.GetValue("Relay:Silo:GatewayPort", 30000),
        configuration.GetValue("Relay:Silo:ShutdownTimeout", TimeSpan.FromSeconds(30)));
}
