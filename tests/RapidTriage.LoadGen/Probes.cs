namespace RapidTriage.LoadGen;

/// <summary>One runtime-counter probe per target process, started once for the whole suite.</summary>
internal sealed class Probes : IAsyncDisposable
{
    private readonly Dictionary<string, CounterProbe?> _probes = new(StringComparer.Ordinal);

    public Probes(IEnumerable<Target> targets)
    {
        foreach (var target in targets)
        {
            _probes[target.Name] = CounterProbe.TryStart(target.Pid);
            if (target.Pid is not null && _probes[target.Name] is null)
            {
                Console.WriteLine($"note: no runtime counters from {target.Name} (pid {target.Pid}); memory figures use /proc only");
            }
        }
    }

    public CounterProbe? For(Target target) => _probes.GetValueOrDefault(target.Name);

    public async ValueTask DisposeAsync()
    {
        foreach (var probe in _probes.Values)
        {
            if (probe is not null)
            {
                await probe.DisposeAsync();
            }
        }
    }
}
