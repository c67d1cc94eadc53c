using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// A monotonic count per value of one tag over a closed set of values, exported as an observable counter: every
/// series is on <c>/metrics</c> from the start, at 0 until its first event, so a dashboard or alert on
/// <c>relay_errors_total</c> has a series to read before anything went wrong. A value outside the set counts as
/// <see cref="RelayMetrics.Other"/>.
/// </summary>
internal sealed class TaggedCount
{
    private readonly FrozenDictionary<string, StrongBox<long>> _counts;
    private readonly StrongBox<long> _other;
    private readonly string _tag;

    public TaggedCount(Meter meter, string name, string description, string tag, IEnumerable<string> values)
    {
        _tag = tag;
        _counts = values.Append(RelayMetrics.Other).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(v => v, _ => new StrongBox<long>(), StringComparer.Ordinal);
        _other = _counts[RelayMetrics.Other];
        meter.CreateObservableCounter(name, Observe, description: description);
    }

    public void Add(string value) => Interlocked.Increment(ref (_counts.GetValueOrDefault(value) ?? _other).Value);

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (value, count) in _counts)
        {
            yield return new Measurement<long>(Volatile.Read(ref count.Value), new KeyValuePair<string, object?>(_tag, value));
        }
    }
}
