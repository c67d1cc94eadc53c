using Azure.Data.Tables;
using Azure.Identity;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// The Azure Table client for cluster membership: <c>Relay:Storage:TableServiceUri</c> with a managed identity
/// (<see cref="DefaultAzureCredential"/>; <c>Relay:Storage:ManagedIdentityClientId</c> picks a user-assigned
/// one) when set, else <c>Relay:Storage:ConnectionString</c> (Azurite: <c>UseDevelopmentStorage=true</c>).
/// </summary>
internal static class StorageClients
{
    public static TableServiceClient Tables(IConfiguration configuration) =>
        configuration["Relay:Storage:TableServiceUri"] is { Length: > 0 } uri
            ? new TableServiceClient(new Uri(uri), Credential(configuration))
            : new TableServiceClient(configuration.GetValue("Relay:Storage:ConnectionString", "UseDevelopmentStorage=true"));

    private static DefaultAzureCredential Credential(IConfiguration configuration) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = configuration["Relay:Storage:ManagedIdentityClientId"] is { Length: > 0 } id ? id : null,
        });
}
