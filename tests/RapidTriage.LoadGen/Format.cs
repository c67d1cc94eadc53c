using System.Globalization;

namespace RapidTriage.LoadGen;

/// <summary>One-line console summaries of results, for a person watching a run.</summary>
internal static class Format
{
    public static string Run(RunResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Scenario,-10} {r.Target,-9} {r.OfferedRate,8:0}/s x{r.Sessions} achieved {r.AchievedRate,9:0.0}/s  p50 {r.Latency.P50Us,8:0.0} us  p99 {r.Latency.P99Us,9:0.0} us  p99.9 {r.Latency.P999Us,9:0.0} us  lost {r.Lost} closes {r.ServerCloses.Count} errors {r.Errors} cpu {r.ServerCpuPercent}% alloc/msg {r.AllocatedBytesPerMessage} {(r.Pass ? "PASS" : "FAIL")}");

    public static string Connections(ConnectionsResult r) => string.Create(CultureInfo.InvariantCulture,
        $"connections {r.Target}: {r.Opened}/{r.Requested} in {r.OpenSeconds:0.00} s ({r.OpensPerSecond:0}/s); rss/conn {r.RssBytesPerConnection} B, heap/conn {r.HeapBytesPerConnection} B; closed in {r.CloseSeconds:0.00} s");
}
