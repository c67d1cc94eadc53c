using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// Counts every request the relay's Azure Storage clients send (each retry too: storage bills per request), as the
/// counter <c>rapidtriage.storage.requests</c> of meter <c>RapidTriage.Storage</c>, tagged <c>method</c> (GET, PUT,
/// ...) and <c>kind</c> (blob, table, queue). Exported on each process's <c>/metrics</c>; the load generator reads it to
/// report storage operations per second.
/// </summary>
public sealed class StorageRequestCounter(string kind) : HttpPipelinePolicy
{
    public const string MeterName = "RapidTriage.Storage";
    public const string Blob = "blob";
    public const string Table = "table";

    private static readonly Meter StorageMeter = new(MeterName);
    private static readonly Counter<long> Requests = StorageMeter.CreateCounter<long>(
        "rapidtriage.storage.requests", description: "Requests sent to Azure Storage (retries included), by HTTP method and service.");

    private readonly KeyValuePair<string, object?> _kind = new("kind", kind);

    /// <summary><paramref name="options"/> with a counter for <paramref name="kind"/> on every attempt.</summary>
    public static T On<T>(T options, string kind)
        where T : ClientOptions
    {
        options.AddPolicy(new StorageRequestCounter(kind), HttpPipelinePosition.PerRetry);
        return options;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Count(HttpMessage message) =>
        Requests.Add(1, _kind, new KeyValuePair<string, object?>("method", message.Request.Method.Method));
}
