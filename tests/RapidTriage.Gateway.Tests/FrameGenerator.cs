using System.Text;
using System.Text.Json;

namespace RapidTriage.Gateway.Tests;

/// <summary>Makes frames for fuzzing: valid envelopes, their mutations, and plain noise.</summary>
internal static class FrameGenerator
{
    private static readonly string[] Controls = ["heartbeat", "connection-init", "history-request", "auth-refresh"];

    public static byte[] Next(Random random, bool allowControl = true)
    {
        var valid = Encoding.UTF8.GetBytes(ValidEnvelope(random, allowControl));
        return random.Next(6) switch
        {
            0 => valid,
            1 => Mutate(random, valid),
            2 => valid[..random.Next(1, valid.Length)],
            3 => RandomBytes(random),
            4 => Encoding.UTF8.GetBytes(WrongShapes[random.Next(WrongShapes.Length)]),
            _ => Encoding.UTF8.GetBytes(Nested(random)),
        };
    }

    private static readonly string[] WrongShapes =
    [
        "[]", "null", "42", "\"text\"", "{}", "{\"type\":7}", "{\"type\":\"\"}", "{\"type\":null}", "{\"type\":\"x\",\"id\":5}",
        "{\"type\":\"x\",\"timestamp\":\"now\"}", "{\"type\":\"x\",\"timestamp\":1}", "{\"type\":\"x\",\"metadata\":[1]}",
        "{\"type\":\"x\",\"timestamp\":1e400}", "{\"type\":\"x\",\"data\":{\"headers\":{\"request\":\"str\"}}}",
        "{\"type\":\"x\",\"type\":\"y\"}", "\uFEFF{\"type\":\"x\"}", "{\"type\":\"x\"} trailing",
    ];

    private static string ValidEnvelope(Random random, bool allowControl)
    {
        var type = allowControl && random.Next(8) == 0
            ? Controls[random.Next(Controls.Length)]
            : "t" + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new
        {
            type,
            id = "f" + random.Next(),
            timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            data = new
            {
                message = new string((char)random.Next(32, 0x2FFF), random.Next(0, 40)),
                headers = new { request = new { Authorization = "Bearer x", Accept = "*/*" } },
                n = random.NextDouble(),
            },
            metadata = new { tabId = random.Next() },
        });
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = (byte[])valid.Clone();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Nested(Random random)
    {
        var depth = random.Next(1, 200);
        return "{\"type\":\"deep\",\"data\":" + new string('[', depth) + new string(']', depth) + "}";
    }
}
