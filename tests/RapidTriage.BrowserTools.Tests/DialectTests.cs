using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MsOptions = Microsoft.Extensions.Options.Options;
using RapidTriage.Gateway.BrowserTools;
using RapidTriage.Gateway.Options;

namespace RapidTriage.BrowserTools.Tests;

/// <summary>The BrowserTools wire dialect and the rule that picks it, on their own (no sockets).</summary>
public sealed class DialectTests
{
    private const string ScreenshotRequest =
        """{"type":"screenshot-request","id":"req-9","timestamp":1,"data":{"format":"png"},"metadata":{"sessionId":"local","connectionId":"c_1","source":"mcp"}}""";

    [Fact]
    public void Inbound_Heartbeat_RepliesHeartbeatResponseAndHandlesNothing()
    {
        var result = new BrowserToolsDialect(1024 * 1024).Inbound(Bytes("""{"type":"heartbeat"}"""));

        Assert.True(result.Envelope.IsEmpty);
        Assert.Equal("""{"type":"heartbeat-response"}""", Encoding.UTF8.GetString(result.Reply!));
    }

    [Fact]
    public void Inbound_ScreenshotDataWithNumericRequestId_ScreenshotResponseWithThatId()
    {
        var result = new BrowserToolsDialect(1024 * 1024).Inbound(Bytes("""{"type":"screenshot-data","data":"data:image/png;base64,AAAA","requestId":17,"autoPaste":true}"""));

        var envelope = Parse(result.Envelope);
        Assert.Equal("screenshot-response", envelope["type"]!.GetValue<string>());
        Assert.Equal("17", envelope["id"]!.GetValue<string>());
        Assert.True(envelope["data"]!["success"]!.GetValue<bool>());
        Assert.Equal("data:image/png;base64,AAAA", envelope["data"]!["base64"]!.GetValue<string>());
        Assert.True(envelope["data"]!["autoPaste"]!.GetValue<bool>());
        Assert.Null(result.Reply);
    }

    [Fact]
    public void Inbound_ScreenshotError_FailedResponseWithItsMessage()
    {
        var result = new BrowserToolsDialect(1024 * 1024).Inbound(Bytes("""{"type":"screenshot-error","error":"No tab","requestId":"r1"}"""));

        var envelope = Parse(result.Envelope);
        Assert.Equal("r1", envelope["id"]!.GetValue<string>());
        Assert.False(envelope["data"]!["success"]!.GetValue<bool>());
        Assert.Equal("No tab", envelope["data"]!["error"]!.GetValue<string>());
    }

    [Fact]
    public void Inbound_ScreenshotDataWithoutRequestId_Dropped()
    {
        var result = new BrowserToolsDialect(1024 * 1024).Inbound(Bytes("""{"type":"screenshot-data","data":"data:image/png;base64,AAAA"}"""));

        Assert.True(result.Envelope.IsEmpty);
        Assert.Null(result.Reply);
    }

    [Fact]
    public void Inbound_FlatPageNavigated_EventWithItsFieldsInData()
    {
        var result = new BrowserToolsDialect(1024 * 1024).Inbound(Bytes("""{"type":"page-navigated","url":"https://a.test/","tabId":3,"timestamp":5}"""));

        Assert.Equal("""{"type":"page-navigated","data":{"url":"https://a.test/","tabId":3,"timestamp":5}}""", Encoding.UTF8.GetString(result.Envelope.Span));
    }

    [Fact]
    public void Inbound_CurrentUrlResponse_PageNavigatedOrDroppedWithoutUrl()
    {
        var dialect = new BrowserToolsDialect(1024 * 1024);

        var withUrl = dialect.Inbound(Bytes("""{"type":"current-url-response","url":"https://b.test/","tabId":3,"requestId":"u1"}"""));
        var withoutUrl = dialect.Inbound(Bytes("""{"type":"current-url-response","url":null,"error":"no tab","requestId":"u2"}"""));

        Assert.Equal("https://b.test/", Parse(withUrl.Envelope)["data"]!["url"]!.GetValue<string>());
        Assert.Equal("page-navigated", Parse(withUrl.Envelope)["type"]!.GetValue<string>());
        Assert.True(withoutUrl.Envelope.IsEmpty);
    }

    [Theory]
    [InlineData("""{"type":"page-navigated","data":{"url":"https://c.test/"}}""")]
    [InlineData("""{"type":"console-log","data":{"message":"x"}}""")]
    [InlineData("""not json""")]
    [InlineData("""[1,2]""")]
    public void Inbound_EnvelopeOrGarbage_PassedThroughUnchanged(string frame)
    {
        var result = new BrowserToolsDialect(1024 * 1024).Inbound(Bytes(frame));

        Assert.Equal(frame, Encoding.UTF8.GetString(result.Envelope.Span));
        Assert.Null(result.Reply);
    }

    [Fact]
    public void Outbound_ScreenshotRequest_TakeScreenshotWithRequestIdOnly()
    {
        var sent = new BrowserToolsDialect(1024 * 1024).Outbound(Encoding.UTF8.GetBytes(ScreenshotRequest));

        Assert.Equal("""{"type":"take-screenshot","requestId":"req-9"}""", Encoding.UTF8.GetString(sent!));
    }

    [Theory]
    [InlineData("""{"type":"member-joined","data":{"connectionId":"c_2"}}""")]
    [InlineData("""{"type":"console-log","id":"e1","seq":4,"data":{"message":"other member"}}""")]
    [InlineData("""{"type":"clear-logs","id":"x","data":{}}""")]
    [InlineData("""{"type":"clear-logs-ack","id":"x"}""")]
    [InlineData("""{"type":"error","data":{"code":"invalid-message"}}""")]
    [InlineData("""{"type":"heartbeat","id":"h","data":{"status":"alive"}}""")]
    public void Outbound_WhatTheExtensionDoesNotUse_NotSent(string payload)
    {
        Assert.Null(new BrowserToolsDialect(1024 * 1024).Outbound(Encoding.UTF8.GetBytes(payload)));
    }

    [Fact]
    public void Outbound_ConnectionAck_SentAsIs()
    {
        var ack = Encoding.UTF8.GetBytes("""{"type":"connection-ack","id":"a","data":{"sessionId":"local"}}""");

        Assert.Same(ack, new BrowserToolsDialect(1024 * 1024).Outbound(ack));
    }

    [Fact]
    public void ConnectionInit_AnyFrameAfter_PassesBothWaysUnchanged()
    {
        var dialect = new BrowserToolsDialect(1024 * 1024);
        var init = Bytes("""{"type":"connection-init","data":{"clientType":"x"}}""");
        var member = Encoding.UTF8.GetBytes("""{"type":"member-joined","data":{}}""");

        var passed = dialect.Inbound(init);
        var heartbeat = dialect.Inbound(Bytes("""{"type":"heartbeat"}"""));

        Assert.True(dialect.SpeaksEnvelopes);
        Assert.Equal(init.ToArray(), passed.Envelope.ToArray());
        Assert.Null(heartbeat.Reply);
        Assert.Equal("""{"type":"heartbeat"}""", Encoding.UTF8.GetString(heartbeat.Envelope.Span));
        Assert.Same(member, dialect.Outbound(member));
    }

    [Theory]
    [InlineData("/extension-ws", "chrome-extension://abc", null, true)]
    [InlineData("/extension-ws", "moz-extension://0f1e", null, true)]
    [InlineData("/extension-ws", "chrome-extension://abc", "rapidtriage-extension-v1", false)]
    [InlineData("/extension-ws", null, null, false)]
    [InlineData("/extension-ws", "http://localhost:3025", null, false)]
    [InlineData("/mcp-ws", "chrome-extension://abc", null, false)]
    public void Selector_OriginSubprotocolAndPath_PicksDialectOnlyForExtensionPages(string path, string? origin, string? subprotocol, bool legacy)
    {
        var selector = new BrowserToolsDialectSelector(MsOptions.Create(new RelayOptions()), MsOptions.Create(new BrowserToolsOptions()));
        var context = new DefaultHttpContext();
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        if (subprotocol is not null)
        {
            context.Request.Headers.SecWebSocketProtocol = subprotocol;
        }

        var endpoint = path == "/extension-ws" ? Gateway.Handshake.Endpoint.Extension : Gateway.Handshake.Endpoint.Mcp;

        Assert.Equal(legacy, selector.Select(context, endpoint) is BrowserToolsDialect);
    }

    [Fact]
    public void Selector_HostedMode_NeverPicksDialect()
    {
        var selector = new BrowserToolsDialectSelector(
            MsOptions.Create(new RelayOptions { Mode = RelayMode.Hosted }), MsOptions.Create(new BrowserToolsOptions()));
        var context = new DefaultHttpContext();
        context.Request.Headers.Origin = "chrome-extension://abc";

        Assert.Null(selector.Select(context, Gateway.Handshake.Endpoint.Extension));
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonObject Parse(ReadOnlyMemory<byte> bytes) => (JsonObject)JsonNode.Parse(bytes.Span)!;
}
