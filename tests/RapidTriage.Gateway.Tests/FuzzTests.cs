using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// Thousands of generated inputs to the envelope parser and the handshake — no crash, no
/// unhandled exception, a clear error for each. Seeded, so a failure names the input that caused it.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] KnownCodes = ["invalid-message", "invalid-timestamp", "message-too-old"];
    private static readonly EnvelopeParser Parser = ParserFactory.Create();
    private static readonly StampContext Stamp = new("fuzz", "c_fuzz", "extension");

    /// <summary>
    /// Generated capture shapes with credentials in random places (<see cref="CaptureGenerators"/>): every one is
    /// accepted, its output is valid JSON that keeps the envelope, and no generated secret is in it.
    /// </summary>
    [Property(Arbitrary = [typeof(CaptureGenerators)], MaxTest = 1000, EndSize = 20, QuietOnSuccess = true)]
    public Property Parser_OnGeneratedCaptureShapes_OutputsValidJsonWithoutAnySecret(CaptureFrame frame)
    {
        if (!Parser.TryParse(Encoding.UTF8.GetBytes(frame.Json), Stamp, out var parsed, out var error))
        {
            return false.Label($"refused: {error.Code} {error.Message}");
        }

        using var document = JsonDocument.Parse(parsed.Payload);
        var output = Encoding.UTF8.GetString(parsed.Payload!);
        var leaked = frame.Secrets.Where(secret => output.Contains(secret, StringComparison.Ordinal)).ToArray();
        return (leaked.Length == 0).Label($"leaked {string.Join(", ", leaked)}: {output}")
            .And((document.RootElement.GetProperty("type").GetString() == parsed.Type).Label("type changed"))
            .And(document.RootElement.GetProperty("data").ValueKind == JsonValueKind.Object);
    }

    /// <summary>
    /// The same shapes cut, spliced or with a byte changed: the parser never throws, and answers either valid JSON
    /// or a known error code with a message.
    /// </summary>
    [Property(Arbitrary = [typeof(CaptureGenerators)], MaxTest = 1000, EndSize = 20, QuietOnSuccess = true)]
    public Property Parser_OnDamagedCaptureShapes_NeverThrows(CaptureFrame frame, PositiveInt at, byte value, bool cut)
    {
        var bytes = Encoding.UTF8.GetBytes(frame.Json);
        var index = at.Get % bytes.Length;
        var damaged = cut ? bytes[..index] : [.. bytes[..index], value, .. bytes[(index + 1)..]];
        try
        {
            if (Parser.TryParse(damaged, Stamp, out var parsed, out var error))
            {
                using var document = JsonDocument.Parse(parsed.Payload ?? "{}"u8.ToArray());
                return true.ToProperty();
            }

            return (KnownCodes.Contains(error.Code) && !string.IsNullOrWhiteSpace(error.Message)).Label($"unknown error {error.Code}");
        }
        catch (Exception ex)
        {
            return false.Label($"threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    [Fact]
    public void Parser_OnGeneratedFrames_NeverThrows_AndAnswersEachWithAResultOrKnownError()
    {
        var parser = Parser;
        var stamp = Stamp;
        var random = new Random(20261126);
        for (var i = 0; i < 5000; i++)
        {
            var frame = FrameGenerator.Next(random);
            bool ok;
            ParsedFrame parsed;
            FrameError error;
            try
            {
                ok = parser.TryParse(frame, stamp, out parsed, out error);
            }
            catch (Exception ex)
            {
                Assert.Fail($"input #{i} threw {ex.GetType().Name}: {Printable(frame)}");
                return;
            }

            if (!ok)
            {
                Assert.True(KnownCodes.Contains(error.Code), $"input #{i}: unknown code {error.Code}");
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
                continue;
            }

            if (parsed.IsControl)
            {
                continue;
            }

            using var document = JsonDocument.Parse(parsed.Payload);
            var root = document.RootElement;
            Assert.Equal(parsed.Type, root.GetProperty("type").GetString());
            Assert.Equal("c_fuzz", root.GetProperty("metadata").GetProperty("connectionId").GetString());
            Assert.Equal("fuzz", root.GetProperty("metadata").GetProperty("sessionId").GetString());
        }
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Socket_OnGeneratedFrames_AnswersEachWithErrorOrRelay_AndStaysUsable()
    {
        await using var server = await RelayServer.StartAsync("Relay:RateLimit:PermitsPerSecond=100000", "Relay:RateLimit:Burst=100000");
        var session = RelayFixture.NewSession();
        await using var receiver = await TestClient.ConnectInitializedAsync(server.WebSocketUri($"/mcp-ws?sessionId={session}"), new { clientType = "rx" });
        await using var sender = await TestClient.ConnectInitializedAsync(server.WebSocketUri($"/extension-ws?sessionId={session}"), new { clientType = "tx" });
        await receiver.ReceiveTypeAsync("member-updated");

        var random = new Random(7);
        const int Count = 2000;
        for (var i = 0; i < Count; i++)
        {
            // Text frames must be valid UTF-8 on the wire (RFC 6455 closes others with 1007; see
            // RobustnessTests), so the socket fuzz sends generated bytes re-encoded as UTF-8.
            var frame = FrameGenerator.Next(random, allowControl: false);
            await sender.SendBytesAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(frame)));
        }

        await sender.SendAsync(new { type = "heartbeat", id = "after-fuzz" });
        var errors = 0;
        while (true)
        {
            var frame = await sender.ReceiveAsync();
            var type = frame["type"]!.GetValue<string>();
            if (type == "heartbeat")
            {
                break;
            }

            Assert.Equal("error", type);
            errors++;
        }

        var relayed = 0;
        while (errors + relayed < Count)
        {
            var frame = await receiver.ReceiveAsync(TimeSpan.FromSeconds(10));
            if (frame["metadata"]?["connectionId"]?.GetValue<string>() == sender.ConnectionId)
            {
                relayed++;
            }
        }

        Assert.Equal(Count, errors + relayed);
        Assert.True(errors > 100 && relayed > 100, $"generator too one-sided: {errors} errors, {relayed} relayed");
    }

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task Handshake_OnGeneratedRequests_AnswersWithAStatus_AndKeepsServing()
    {
        await using var server = await RelayServer.StartAsync();
        var random = new Random(11);
        int[] allowed = [101, 200, 400, 401, 403, 404, 405, 426, 429, 431];
        string[] paths = ["/extension-ws", "/mcp-ws", "/tunnel/x", "/tunnel/", "/tunnel/%00", "/tunnel/a/b", "/", "/api/sessions/x", "/extension-ws?sessionId=../../x", "/mcp-ws?sessionId=" + new string('a', 300)];
        string[] protocols = ["rapidtriage-extension-v1", "mcp-server-v1", "rapidtriage-client-v1", "x", "", ",,,", "a b"];
        string[] origins = ["chrome-extension://abc", "https://evil.example", "null", "", "http://localhost:3025", "moz-extension://z"];
        string[] hosts = ["127.0.0.1", "localhost", "evil.example", "[::1]", "", "127.0.0.1:1"];
        for (var i = 0; i < 400; i++)
        {
            var request = new StringBuilder();
            request.Append($"GET {Pick(random, paths)} HTTP/1.1\r\nHost: {Pick(random, hosts)}\r\n");
            if (random.Next(4) > 0)
            {
                request.Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
            }

            if (random.Next(2) == 0)
            {
                request.Append($"Sec-WebSocket-Protocol: {Pick(random, protocols)}\r\n");
            }

            if (random.Next(2) == 0)
            {
                request.Append($"Origin: {Pick(random, origins)}\r\n");
            }

            if (random.Next(3) == 0)
            {
                request.Append($"Authorization: Bearer {(random.Next(2) == 0 ? RelayServer.Token("x") : RandomText(random, 40))}\r\n");
            }

            if (random.Next(5) == 0)
            {
                request.Append($"X-Session-ID: {RandomText(random, 8)}\r\n");
            }

            request.Append("\r\n");
            var status = await RawStatus(server, request.ToString());
            Assert.True(allowed.Contains(status), $"request #{i} got {status}:\n{request}");
        }

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri("/mcp-ws"));
        Assert.Equal("connection-ack", client.Ack["type"]!.GetValue<string>());
    }

    private static async Task<int> RawStatus(RelayServer server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.BaseUri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var line = Encoding.ASCII.GetString(buffer, 0, read);
        return int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string RandomText(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(33, 127))]);

    private static string Printable(byte[] frame) => Convert.ToBase64String(frame);
}
