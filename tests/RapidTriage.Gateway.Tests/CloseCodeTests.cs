using System.Net.WebSockets;
using System.Text;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 3, closes with a code: oversize, binary, client-requested, and the reason's length.</summary>
[Collection(RelayCollection.Name)]
public sealed class CloseCodeTests(RelayFixture fixture)
{
    private const int DefaultMaxMessageSize = 1024 * 1024;

    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Frame_OneByteOverDefaultMaxMessageSize_ClosesWith1009()
    {
        var session = RelayFixture.NewSession();
        await using var bystander = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendBytesAsync(Frame("too-big", DefaultMaxMessageSize + 1));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await sender.WaitForCloseAsync());
        Assert.DoesNotContain(await bystander.DrainAsync(TimeSpan.FromMilliseconds(300)), f => f.Type() == "console-log");
        Assert.Equal("alive", (await bystander.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Frame_ExactlyDefaultMaxMessageSize_IsRelayed()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendBytesAsync(Frame("max-size", DefaultMaxMessageSize));

        var received = await receiver.ReceiveTypeAsync("console-log");
        Assert.Equal("max-size", received.Id());
        Assert.Equal("alive", (await sender.HeartbeatAsync()).DataString("status"));
        Assert.Equal("alive", (await receiver.HeartbeatAsync()).DataString("status"));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Frame_FragmentsAddingUpOverMaxMessageSize_ClosesWith1009()
    {
        var session = RelayFixture.NewSession();
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);
        var whole = Frame("fragmented", DefaultMaxMessageSize + 10);

        await sender.SendFragmentsAsync(WebSocketMessageType.Text,
            whole[..(DefaultMaxMessageSize / 2)], whole[(DefaultMaxMessageSize / 2)..DefaultMaxMessageSize], whole[DefaultMaxMessageSize..]);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await sender.WaitForCloseAsync());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Frame_Binary_ClosesWith1003()
    {
        var session = RelayFixture.NewSession();
        await using var bystander = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendBytesAsync(Encoding.UTF8.GetBytes("{\"type\":\"console-log\",\"id\":\"bin\"}"), WebSocketMessageType.Binary);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, await sender.WaitForCloseAsync());
        Assert.DoesNotContain(await bystander.DrainAsync(TimeSpan.FromMilliseconds(300)), f => f.Type() == "console-log");
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData(null, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(4000, 4000)]
    [InlineData(4100, 4100)]
    [InlineData(3001, 3001)]
    public async Task ConnectionClose_WithOrWithoutCode_ClosedWithThatCode(int? code, int expected)
    {
        var session = RelayFixture.NewSession();
        await using var watcher = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var client = await Server.ConnectAsync(Endpoints.Extension, session);
        await watcher.ReceiveTypeAsync("member-joined");

        object data = code is { } c ? new { reason = "client-disconnect", code = c, message = "bye" } : new { reason = "client-disconnect" };
        await client.SendAsync(new { type = "connection-close", id = "close-1", data });

        Assert.Equal((WebSocketCloseStatus)expected, await client.WaitForCloseAsync());
        await client.DisposeAsync();
        var left = await watcher.ReceiveTypeAsync("member-left");
        Assert.Equal(client.ConnectionId, left["data"]!["connectionId"]!.GetValue<string>());
        Assert.DoesNotContain(await watcher.DrainAsync(TimeSpan.FromMilliseconds(200)), f => f.Type() == "connection-close");
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("a", 400)]
    [InlineData("é", 200)]
    [InlineData("🙂", 100)]
    [InlineData("a🙂", 60)]
    public async Task ConnectionClose_LongReason_ServerReasonAtMost123BytesAndAPrefix(string unit, int repeat)
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(Endpoints.Mcp, session);
        var reason = string.Concat(Enumerable.Repeat(unit, repeat));

        await client.SendAsync(new { type = "connection-close", data = new { code = 4000, reason } });

        Assert.Equal((WebSocketCloseStatus)4000, await client.WaitForCloseAsync());
        var received = client.CloseDescription ?? "";
        Assert.InRange(Encoding.UTF8.GetByteCount(received), 1, 123);
        Assert.StartsWith(received, reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', received);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ConnectionClose_ReasonWithLoneSurrogate_StillClosesWithCode()
    {
        var session = RelayFixture.NewSession();
        await using var client = await Server.ConnectAsync(Endpoints.Mcp, session);

        await client.SendTextAsync("{\"type\":\"connection-close\",\"data\":{\"code\":4000,\"reason\":\"\\ud800 bye\"}}");

        Assert.Equal((WebSocketCloseStatus)4000, await client.WaitForCloseAsync());
        Assert.InRange(Encoding.UTF8.GetByteCount(client.CloseDescription ?? ""), 1, 123);
    }

    /// <summary>A <c>console-log</c> text frame of exactly <paramref name="size"/> bytes.</summary>
    internal static byte[] Frame(string id, int size)
    {
        var head = Encoding.UTF8.GetBytes($"{{\"type\":\"console-log\",\"id\":\"{id}\",\"data\":{{\"message\":\"");
        var tail = "\"}}"u8.ToArray();
        var frame = new byte[size];
        head.CopyTo(frame, 0);
        frame.AsSpan(head.Length, size - head.Length - tail.Length).Fill((byte)'x');
        tail.CopyTo(frame, size - tail.Length);
        return frame;
    }
}
