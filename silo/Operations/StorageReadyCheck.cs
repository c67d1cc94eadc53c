using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Silo.Operations;

/// <summary>
/// Ready while both storage services answer: the membership table (one row read) and the grain-state container.
/// Only data-plane reads, so the managed identity's data roles are enough. No retries: a probe wants the truth now.
/// </summary>
internal sealed class StorageReadyCheck : IHealthCheck
{
    /// <summary>The table Orleans' Azure clustering keeps its membership in.</summary>
    private const string MembershipTable = "OrleansSiloInstances";

    private readonly TableClient _table;
    private readonly BlobContainerClient _container;
    private readonly TimeSpan _timeout;

    public StorageReadyCheck(StorageClients storage, IOptions<SiloOptions> silo)
    {
        _timeout = silo.Value.ReadyTimeout;
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 0;
        tableOptions.Retry.NetworkTimeout = _timeout;
        var blobOptions = new BlobClientOptions();
        blobOptions.Retry.MaxRetries = 0;
        blobOptions.Retry.NetworkTimeout = _timeout;
        _table = storage.Tables(tableOptions).GetTableClient(MembershipTable);
        _container = storage.Blobs(blobOptions).GetBlobContainerClient(storage.ContainerName);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await foreach (var page in _table.QueryAsync<TableEntity>(maxPerPage: 1, cancellationToken: timeout.Token).AsPages().WithCancellation(timeout.Token))
            {
                break;
            }

            await _container.ExistsAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or AggregateException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Azure Storage did not answer.", ex);
        }
    }
}
