namespace RapidTriage.Silo.Hosting;

/// <summary>
/// <c>Relay:Storage:*</c>: the Azure Storage account of cluster mode (membership table for silos and gateways,
/// session state blobs for silos). With the service URIs set, clients sign in with a managed identity; else
/// they use the connection string.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Relay:Storage";

    /// <summary>Used when a service URI is not set. The default is Azurite on its usual ports.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary><c>https://&lt;account&gt;.table.core.windows.net/</c>: membership, with a managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary><c>https://&lt;account&gt;.blob.core.windows.net/</c>: session state, with a managed identity.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The client id of a user-assigned identity; unset, <c>DefaultAzureCredential</c>'s usual chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The blob container that holds session state.</summary>
    public string ContainerName { get; set; } = "sessions";
}
