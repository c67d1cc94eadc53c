namespace RapidTriage.Silo.Hosting;

/// <summary>
/// <c>Relay:Cluster:ClusterId</c> and <c>Relay:Cluster:ServiceId</c>: which cluster a silo joins and a gateway
/// talks to, in the shared membership table. Silos and gateways of one deployment must agree on both.
/// </summary>
public sealed class ClusterIdentityOptions
{
    public const string SectionName = "Relay:Cluster";

    /// <summary>Names this deployment; a new id is a new cluster (used for upgrades that break compatibility).</summary>
    public string ClusterId { get; set; } = "rapidtriage";

    /// <summary>Names the service, stable across deployments; grain state is keyed by it.</summary>
    public string ServiceId { get; set; } = "rapidtriage";
}
