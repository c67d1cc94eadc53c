namespace RapidTriage.Gateway.Options;

/// <summary>Where the relay runs (docs/protocol.md section 1).</summary>
public enum RelayMode
{
    /// <summary>One developer's machine: loopback, embedded silo, local endpoints need no token.</summary>
    Local = 0,

    /// <summary>The cloud service: every endpoint needs a token; the gateway is an Orleans client.</summary>
    Hosted = 1,
}
