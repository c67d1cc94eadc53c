namespace RapidTriage.Gateway.Hosting;

/// <summary>The Orleans client configuration for a gateway in front of separate silos.</summary>
internal static class ExternalCluster
{
    public static void Configure(IClientBuilder client, IConfiguration configuration) =>
        throw new NotSupportedException("Relay:Silo=External is not available yet; use the default embedded silo.");
}
