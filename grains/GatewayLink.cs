using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// One gateway's subscription to a session: its observer, the members it holds, and the frames waiting
/// for it. At most one <c>Deliver</c> call is in flight per link, so frames arrive in order.
/// </summary>
internal sealed class GatewayLink(string gatewayId, ISessionObserver observer)
{
    public string GatewayId { get; } = gatewayId;

    public ISessionObserver Observer { get; set; } = observer;

    public DateTime LastRenewed { get; set; } = DateTime.UtcNow;

    public HashSet<string> Members { get; } = new(StringComparer.Ordinal);

    public List<Delivery> Pending { get; } = [];

    public long PendingBytes { get; set; }

    public bool Pumping { get; set; }

    public bool Removed { get; set; }

    /// <summary>Members told to close with 4108; they get nothing more until they leave.</summary>
    public HashSet<string> Doomed { get; } = new(StringComparer.Ordinal);
}
