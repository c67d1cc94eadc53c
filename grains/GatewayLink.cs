using System.Collections.Immutable;
using RapidTriage.Contracts;

namespace RapidTriage.Grains;

/// <summary>
/// One gateway's subscription to a session: its observer, the members it holds, and the frames waiting
/// for it. At most one batch per link is with the silo's outbox for that gateway at a time, so frames arrive in order.
/// </summary>
internal sealed class GatewayLink(string gatewayId, ISessionObserver observer)
{
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _doomed = new(StringComparer.Ordinal);

    // The last target list computed and whom it left out: every event of a steady sender reuses it
    // instead of building a new array (and a closure) per event and gateway.
    private ImmutableArray<string> _targets;
    private string? _targetsExclude;

    public string GatewayId { get; } = gatewayId;

    public ISessionObserver Observer { get; set; } = observer;

    /// <summary>When the gateway last joined, initialized or renewed a member here (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastRenewed { get; set; }

    public IReadOnlyCollection<string> Members => _members;

    public List<Delivery> Pending { get; } = [];

    public long PendingBytes { get; set; }

    public bool Pumping { get; set; }

    public bool Removed { get; set; }

    public void AddMember(string connectionId)
    {
        _members.Add(connectionId);
        _targets = default;
    }

    public void RemoveMember(string connectionId)
    {
        _members.Remove(connectionId);
        _doomed.Remove(connectionId);
        _targets = default;
    }

    /// <summary>Members told to close with 4108 get nothing more until they leave.</summary>
    public void Doom(IEnumerable<string> connectionIds)
    {
        _doomed.UnionWith(connectionIds);
        _targets = default;
    }

    /// <summary>The members that receive a frame: all but <paramref name="exclude"/> and the doomed.</summary>
    public ImmutableArray<string> TargetsExcept(string? exclude)
    {
        if (!_targets.IsDefault && string.Equals(_targetsExclude, exclude, StringComparison.Ordinal))
        {
            return _targets;
        }

        var builder = ImmutableArray.CreateBuilder<string>(_members.Count);
        foreach (var id in _members)
        {
            if (!string.Equals(id, exclude, StringComparison.Ordinal) && !_doomed.Contains(id))
            {
                builder.Add(id);
            }
        }

        _targets = builder.DrainToImmutable();
        _targetsExclude = exclude;
        return _targets;
    }
}
