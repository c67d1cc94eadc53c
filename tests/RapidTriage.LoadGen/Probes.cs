namespace RapidTriage.LoadGen;

/// <summary>One runtime-counter probe per target process, started once for the whole suite.</summary>
internal sealed class Probes : IAsyncDisposable
{
    private readonly Dictionary<string, List<CounterProbe?>> _probes = new(StringComparer.Ordinal);

    public Probes(IEnumerable<Target> targets)
    {
        foreach (var target in targets)
        {
            var list = new List<CounterProbe?>();
            foreach (var pid in target.Pids)
            {
                var probe = CounterProbe.TryStart(pid);
                if (probe is null)
                {
                    Console.WriteLine($"note: no runtime counters from {target.Name} (pid {pid}); memory figures use /proc only");
                }

                list.Add(probe);
            }

            _probes[target.Name] = list;
        }
    }

    /// <summary>The probe of the target's first process (memory and GC heap), or null.</summary>
    public CounterProbe? For(Target target) => _probes.GetValueOrDefault(target.Name) is [var first, ..] ? first : null;

    /// <summary>
    /// Probes of all the target's processes (allocations are summed over them), or empty when any one is missing:
    /// a sum over part of a deployment would read as the whole.
    /// </summary>
    public IReadOnlyList<CounterProbe> AllFor(Target target) =>
        _probes.GetValueOrDefault(target.Name) is { } list && list.TrueForAll(p => p is not null) ? [.. list.Select(p => p!)] : [];

    /// <summary>The probe of each of the target's processes (null where none could be started), in pid order.</summary>
    public IReadOnlyList<CounterProbe?> Each(Target target) => _probes.GetValueOrDefault(target.Name) ?? [];

    /// <summary>
    /// Stops the counter sessions of the target's processes, so that an idle window counts none of the work of
    /// streaming counters every second as the relay's.
    /// </summary>
    public async Task PauseAsync(Target target)
    {
        if (_probes.GetValueOrDefault(target.Name) is not { } list)
        {
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is { } probe)
            {
                await probe.DisposeAsync();
            }

            list[i] = null;
        }
    }

    /// <summary>Starts the target's counter sessions again after <see cref="PauseAsync"/>.</summary>
    public void Resume(Target target)
    {
        if (_probes.GetValueOrDefault(target.Name) is not { } list)
        {
            return;
        }

        for (var i = 0; i < list.Count && i < target.Pids.Count; i++)
        {
            list[i] ??= CounterProbe.TryStart(target.Pids[i]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var probe in _probes.Values.SelectMany(l => l))
        {
            if (probe is not null)
            {
                await probe.DisposeAsync();
            }
        }
    }
}
