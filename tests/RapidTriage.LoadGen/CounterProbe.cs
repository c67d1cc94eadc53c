using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace RapidTriage.LoadGen;

/// <summary>
/// Reads a .NET process's runtime counters (<c>System.Runtime</c>: GC heap size, allocation rate) over
/// its diagnostics port, from outside the process, as <c>dotnet-counters</c> does. Optional: a target
/// without a pid, or a runtime that refuses, just gives no counter figures.
/// </summary>
internal sealed class CounterProbe : IAsyncDisposable
{
    private const int MaxAllocationReports = 4 * 3600;
    private readonly EventPipeSession _session;
    private readonly Task _processing;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _totals = new(StringComparer.Ordinal);
    private readonly List<(DateTime At, double Bytes)> _allocations = [];
    private int _updates;

    private CounterProbe(EventPipeSession session)
    {
        _session = session;
        _processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Dynamic.All += OnEvent;
            try
            {
                source.Process();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The session ended or the process exited.
            }
        });
    }

    public static CounterProbe? TryStart(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            var client = new DiagnosticsClient(pid.Value);
            var provider = new EventPipeProvider("System.Runtime", EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" });
            return new CounterProbe(client.StartEventPipeSession([provider], requestRundown: false));
        }
        catch (Exception ex) when (ex is DiagnosticsClientException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Makes the process run a full blocking GC (what <c>dotnet-gcdump</c> asks for), then waits for it.</summary>
    public static async Task InduceGcAsync(int? pid)
    {
        if (pid is null)
        {
            return;
        }

        try
        {
            var client = new DiagnosticsClient(pid.Value);
            var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational,
                (long)ClrTraceEventParser.Keywords.GCHeapCollect);
            using var session = client.StartEventPipeSession([provider], requestRundown: false);
            var draining = session.EventStream.CopyToAsync(Stream.Null);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await session.StopAsync(CancellationToken.None);
            await draining.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is DiagnosticsClientException or IOException or UnauthorizedAccessException or TimeoutException or ServerNotAvailableException)
        {
        }
    }

    /// <summary>
    /// The sum of every report of an incrementing counter since the probe started (<c>time-in-jit</c>: milliseconds
    /// spent compiling), or null before the first report.
    /// </summary>
    public double? Total(string name)
    {
        lock (_gate)
        {
            return _totals.TryGetValue(name, out var value) ? value : null;
        }
    }

    /// <summary>The latest value of a counter (<c>gc-heap-size</c> is in MB), or null before the first report.</summary>
    public double? Latest(string name)
    {
        lock (_gate)
        {
            return _latest.TryGetValue(name, out var value) ? value : null;
        }
    }

    /// <summary>
    /// Bytes allocated between two moments, from the reports stamped (by the process) inside that window:
    /// reports can arrive late when this process is busy, so their arrival time says nothing. Null when no
    /// report covers the window.
    /// </summary>
    public double? AllocatedBetween(DateTime startUtc, DateTime endUtc)
    {
        lock (_gate)
        {
            // A report at T covers the second before T.
            var covering = _allocations.Where(a => a.At > startUtc && a.At <= endUtc.AddSeconds(1)).ToList();
            return covering.Count == 0 ? null : covering.Sum(a => a.Bytes);
        }
    }

    /// <summary>Waits until a report stamped after <paramref name="endUtc"/> (plus its second) has arrived.</summary>
    public async Task WaitPastAsync(DateTime endUtc, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            lock (_gate)
            {
                if (_allocations.Count > 0 && _allocations[^1].At > endUtc.AddSeconds(1))
                {
                    return;
                }
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the process has reported counters <paramref name="reports"/> more times.</summary>
    public async Task WaitForReportsAsync(int reports, TimeSpan limit)
    {
        int Updates()
        {
            lock (_gate)
            {
                return _updates;
            }
        }

        var target = Updates() + reports;
        var deadline = DateTime.UtcNow + limit;
        while (Updates() < target && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.StopAsync(CancellationToken.None);
            await _processing.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or ServerNotAvailableException or DiagnosticsClientException)
        {
        }

        _session.Dispose();
    }

    private void OnEvent(TraceEvent data)
    {
        if (data.EventName != "EventCounters"
            || data.PayloadValue(0) is not IDictionary<string, object> payload
            || !payload.TryGetValue("Payload", out var inner) || inner is not IDictionary<string, object> fields
            || !fields.TryGetValue("Name", out var nameValue) || nameValue is not string name)
        {
            return;
        }

        var increment = fields.ContainsKey("Increment");
        if (!fields.TryGetValue("Mean", out var raw) && !fields.TryGetValue("Increment", out raw))
        {
            return;
        }

        var value = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _latest[name] = value;
            if (increment)
            {
                _totals[name] = _totals.GetValueOrDefault(name) + value;
            }

            _updates++;
            if (name == "alloc-rate")
            {
                _allocations.Add((data.TimeStamp.ToUniversalTime(), value));
                if (_allocations.Count > MaxAllocationReports)
                {
                    _allocations.RemoveRange(0, _allocations.Count - MaxAllocationReports);
                }
            }
        }
    }
}
