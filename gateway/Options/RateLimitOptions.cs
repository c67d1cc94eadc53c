namespace RapidTriage.Gateway.Options;

/// <summary><c>Relay:RateLimit:*</c>: what one connection may send, in messages and in bytes.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Relay:RateLimit";

    public double PermitsPerSecond { get; set; } = 100;

    public int Burst { get; set; } = 200;

    /// <summary>Inbound frame bytes per second per connection, beside the message rate.</summary>
    public double BytesPerSecond { get; set; } = 2 * 1024 * 1024;

    /// <summary>Inbound bytes a connection may send at once above <see cref="BytesPerSecond"/>.</summary>
    public long BurstBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>A connection still over its rate after this long is closed with 1008.</summary>
    public TimeSpan CloseAfter { get; set; } = TimeSpan.FromSeconds(10);
}
