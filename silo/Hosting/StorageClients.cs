using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// Azure Storage clients for clustering and grain state, from <see cref="StorageOptions"/>: with a service URI
/// they sign in with a managed identity (<see cref="DefaultAzureCredential"/>), else they use the connection string.
/// Every request they send is counted (<see cref="StorageRequestCounter"/>).
/// </summary>
public sealed class StorageClients(IOptions<StorageOptions> options)
{
    private readonly StorageOptions _options = options.Value;
    private readonly Lazy<TokenCredential> _credential = new(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = options.Value.ManagedIdentityClientId is { Length: > 0 } id ? id : null,
    }));

    public string ContainerName => _options.ContainerName;

    public TableServiceClient Tables(TableClientOptions? clientOptions = null) => _options.TableServiceUri is { } uri
        ? new TableServiceClient(uri, _credential.Value, StorageRequestCounter.On(clientOptions ?? new(), StorageRequestCounter.Table))
        : new TableServiceClient(_options.ConnectionString, StorageRequestCounter.On(clientOptions ?? new(), StorageRequestCounter.Table));

    public BlobServiceClient Blobs(BlobClientOptions? clientOptions = null) => _options.BlobServiceUri is { } uri
        ? new BlobServiceClient(uri, _credential.Value, StorageRequestCounter.On(clientOptions ?? new(), StorageRequestCounter.Blob))
        : new BlobServiceClient(_options.ConnectionString, StorageRequestCounter.On(clientOptions ?? new(), StorageRequestCounter.Blob));
}
