namespace RapidTriage.Gateway.Operations;

/// <summary><c>Relay:Operations:*</c>: where health and metrics are served.</summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Relay:Operations";

    /// <summary>
    /// When set, <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> answer only on this port (which must be one of
    /// the listening URLs), so a public ingress on the relay port never exposes them. Unset: every port.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>How long <c>/readyz</c> waits for the cluster to answer.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
