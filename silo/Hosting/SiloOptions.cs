namespace RapidTriage.Silo.Hosting;

/// <summary>Where a gateway finds its silo: in its own process, or separate silos of a cluster.</summary>
public enum SiloMode
{
    /// <summary>A silo in the gateway's process, with in-process storage and localhost clustering (local mode).</summary>
    Embedded = 0,

    /// <summary>The gateway is an Orleans client of separate silos on Azure Table clustering (cluster mode).</summary>
    External = 1,
}

/// <summary>
/// <c>Relay:Silo:*</c>: the silo a process runs. <see cref="Mode"/> is read by the gateway; the ports by both the
/// silo host and the gateway's embedded silo (whose defaults are <see cref="EmbeddedSilo.DefaultSiloPort"/> and
/// <see cref="EmbeddedSilo.DefaultGatewayPort"/>); the rest by the silo host only. Failure detection is under
/// <c>Relay:Silo:Membership</c>.
/// </summary>
public sealed class SiloOptions
{
    public const string SectionName = "Relay:Silo";

    /// <summary>Gateway: host a silo in this process, or be a client of separate silos.</summary>
    public SiloMode Mode { get; set; } = SiloMode.Embedded;

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The Orleans gateway port clients (the relay's gateways) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo host: the address peers and gateways dial, an IP or <c>auto</c> (this container's own IPv4 address).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Silo host: listen on every address rather than only the advertised one (containers).</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>Silo host: its health, metrics and dashboard endpoint; by default a free loopback port, logged at start.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";

    /// <summary>Silo host: how long <c>/readyz</c> waits for storage.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Silo host: how long a stopping silo may take to hand its sessions over.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
