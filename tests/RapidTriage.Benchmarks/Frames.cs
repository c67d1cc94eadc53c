using System.Text;

namespace RapidTriage.Benchmarks;

/// <summary>Frames as clients send them: the load generator's 300-byte console event, and a network event with headers.</summary>
public static class Frames
{
    public static byte[] ConsoleLog { get; } = Encoding.UTF8.GetBytes(Pad(
        """{"type":"console-log","timestamp":TS,"data":{"level":"log","lt":123456789012,"n":42,"message":"PAD"}}""", 300));

    public static byte[] ConsoleLogWithId { get; } = Encoding.UTF8.GetBytes(Pad(
        """{"type":"console-log","id":"m-000042","timestamp":TS,"data":{"level":"log","message":"PAD"}}""", 300));

    public static byte[] NetworkRequest { get; } = Encoding.UTF8.GetBytes(
        """
        {"type":"network-request","id":"n-1","timestamp":TS,"data":{"url":"https://example.test/api/items?page=2","method":"GET","status":200,
        "headers":{"request":{"Accept":"application/json","Authorization":"Bearer abc.def.ghi","Cookie":"sid=1; theme=dark","User-Agent":"Mozilla/5.0"},
        "response":{"Content-Type":"application/json","Set-Cookie":"sid=2; HttpOnly","X-Request-Id":"r-77"}},"duration":12.5}}
        """.Replace("TS", Now(), StringComparison.Ordinal));

    private static string Pad(string template, int size)
    {
        var text = template.Replace("TS", Now(), StringComparison.Ordinal);
        return text.Replace("PAD", new string('x', Math.Max(0, size - (text.Length - 3))), StringComparison.Ordinal);
    }

    // Far enough ahead that the relay's age check (60 s) never refuses it during a long benchmark run.
    private static string Now() => DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
