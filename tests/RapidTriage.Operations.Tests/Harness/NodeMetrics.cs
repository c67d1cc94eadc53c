using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests.Harness;

/// <summary>A node's <c>/metrics</c>, parsed.</summary>
internal static class NodeMetrics
{
    public static async Task<Scrape> ScrapeAsync(this ClusterNode node) => Scrape.Parse(await node.GetStringAsync("/metrics"));
}
