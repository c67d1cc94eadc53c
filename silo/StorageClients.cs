using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace RapidTriage.Silo;

/// <summary>
/// Azure Storage clients for clustering and grain state. With <c>Relay:Storage:TableServiceUri</c> and
/// <c>Relay:Storage:BlobServiceUri</c> they sign in with a managed identity (<see cref="DefaultAzureCredential"/>;
/// <c>Relay:Storage:ManagedIdentityClientId</c> picks a user-assigned one); else they use
/// <c>Relay:Storage:ConnectionString</c> (Azurite: <c>UseDevelopmentStorage=true</c>). Every request they send is
/// counted (<see cref="StorageRequestCounter"/>).
/// </summary>
internal sealed class StorageClients(IConfiguration configuration)
{
    private readonly string _connectionString = configuration.GetValue("Relay:Storage:ConnectionString", "UseDevelopmentStorage=true")!;
    private readonly Uri? _tableUri = configuration["Relay:Storage:TableServiceUri"] is { Length: > 0 } table ? new Uri(table) : null;
    private readonly Uri? _blobUri = configuration["Relay:Storage:BlobServiceUri"] is { Length: > 0 } blob ? new Uri(blob) : null;
    private readonly Lazy<TokenCredential> _credential = new(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = configuration["Relay:Storage:ManagedIdentityClientId"] is { Length: > 0 } id ? id : null,
    }));

    public TableServiceClient Tables(TableClientOptions? options = null) => _tableUri is not null
        ? new TableServiceClient(_tableUri, _credential.Value, StorageRequestCounter.On(options ?? new(), StorageRequestCounter.Table))
        : new TableServiceClient(_connectionString, StorageRequestCounter.On(options ?? new(), StorageRequestCounter.Table));

    public BlobServiceClient Blobs(BlobClientOptions? options = null) => _blobUri is not null
        ? new BlobServiceClient(_blobUri, _credential.Value, StorageRequestCounter.On(options ?? new(), StorageRequestCounter.Blob))
        : new BlobServiceClient(_connectionString, StorageRequestCounter.On(options ?? new(), StorageRequestCounter.Blob));
}
