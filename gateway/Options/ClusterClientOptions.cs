namespace RapidTriage.Gateway.Options;

/// <summary>
/// <c>Relay:Cluster:*</c> settings of a gateway's Orleans client in cluster mode (<c>Relay:Silo:Mode=External</c>):
/// how it finds silos, how long it waits for one, and how it tells the cluster it is alive.
/// </summary>
public sealed class ClusterClientOptions
{
    public const string SectionName = "Relay:Cluster";

    /// <summary>
    /// How often the client rereads which silos exist: a gateway whose silos all went away (a full restart) finds
    /// the new ones within this.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A call in flight when its silo dies is answered by nobody: it fails after this, and meanwhile holds up the
    /// connection that made it. A session activating from storage on another silo takes well under a second.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often this gateway tells the cluster it is alive; the silos declare it dead after
    /// <c>Relay:Cluster:GatewayExpiry</c> (a silo setting) without a beat.
    /// </summary>
    public TimeSpan BeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After losing a silo connection, every session is renewed again this often until it answers.</summary>
    public TimeSpan SiloLossRetry { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest one of those renewal attempts waits.</summary>
    public TimeSpan SiloLossAttempt { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after a silo loss the renewals go on.</summary>
    public TimeSpan SiloLossWindow { get; set; } = TimeSpan.FromSeconds(30);
}
