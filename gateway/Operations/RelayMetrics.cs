using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Connections;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Operations;

/// <summary>
/// The gateway's instruments (meter <c>RapidTriage.Relay</c>, exported on <c>/metrics</c>). Tags are bounded:
/// a message <c>type</c> is one of the known types or <c>other</c>, a close code one of the relay's or <c>other</c>.
/// </summary>
internal sealed class RelayMetrics
{
    public const string MeterName = "RapidTriage.Relay";
    public const string Other = "other";

    /// <summary>The types of docs/protocol.md sections 3 and 4; anything a client invents is counted as <c>other</c>.</summary>
    private static readonly FrozenSet<string> KnownTypes = new[]
    {
        "console-log", "console-error", "network-request", "network-error", "element-selected", "page-navigated",
        MessageTypes.ConnectionAck, MessageTypes.ConnectionInit, MessageTypes.ConnectionClose, MessageTypes.Heartbeat,
        MessageTypes.HistoryRequest, MessageTypes.HistoryResponse, MessageTypes.AuthRefresh, MessageTypes.AuthRefreshAck,
        MessageTypes.Error, MessageTypes.ScreenshotRequest, MessageTypes.ScreenshotResponse, MessageTypes.ClearLogs,
        MessageTypes.ClearLogsAck, MessageTypes.MemberJoined, MessageTypes.MemberUpdated, MessageTypes.MemberLeft,
        MessageTypes.PublishAck,
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<int> KnownCloseCodes = new[]
    {
        CloseCodes.Normal, 1001, CloseCodes.UnsupportedData, 1006, CloseCodes.PolicyViolation, CloseCodes.MessageTooBig, 1011,
        CloseCodes.ServiceRestart, CloseCodes.TryAgainLater, CloseCodes.TokenExpired, CloseCodes.Forbidden, CloseCodes.SlowConsumer,
    }.ToFrozenSet();

    /// <summary>Every constant of <see cref="ErrorCodes"/>, so a code added there is counted under its own name.</summary>
    private static readonly string[] KnownErrorCodes = [.. typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)];

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _typeLookup = KnownTypes.GetAlternateLookup<ReadOnlySpan<char>>();
    private readonly Counter<long> _received;
    private readonly Counter<long> _sent;
    private readonly TaggedCount _errors;
    private readonly TaggedCount _closes;
    private long _rateLimited;
    private long _refused;

    public RelayMetrics(IMeterFactory meters, ConnectionRegistry registry)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("relay.messages.received", description: "Frames received from clients, by type.");
        _sent = meter.CreateCounter<long>("relay.messages.sent", description: "Frames written to client sockets, by type.");

        // Error, close, rate-limit and refusal counts are exported at 0 from the start (see TaggedCount).
        _errors = new TaggedCount(meter, "relay.errors", "error frames sent to clients, by code.", "code", KnownErrorCodes);
        _closes = new TaggedCount(meter, "relay.closes", "Closed client connections, by close code.", "code", KnownCloseCodes.Select(CodeName));
        meter.CreateObservableCounter("relay.rate_limited", () => Volatile.Read(ref _rateLimited), description: "Frames refused for being over a connection's rate.");
        meter.CreateObservableCounter("relay.handshakes.refused", () => Volatile.Read(ref _refused), description: "Upgrade requests refused while draining.");
        meter.CreateObservableUpDownCounter("relay.connections.open", () => OpenByRole(registry), description: "Open client connections, by role.");
        meter.CreateObservableGauge("relay.send_queue.bytes", () => registry.All.Sum(c => c.QueuedBytes), description: "Bytes waiting in all send queues.");
        meter.CreateObservableGauge("relay.send_queue.max_bytes", () => registry.All.Select(c => c.QueuedBytes).DefaultIfEmpty().Max(), description: "Bytes waiting in the fullest send queue.");
    }

    public void Received(string type)
    {
        if (_received.Enabled)
        {
            _received.Add(1, new KeyValuePair<string, object?>("type", KnownTypes.TryGetValue(type, out var known) ? known : Other));
        }
    }

    /// <summary>A frame went out; its type is read from the bytes only while someone listens.</summary>
    public void Sent(ReadOnlySpan<byte> payload)
    {
        if (_sent.Enabled)
        {
            _sent.Add(1, new KeyValuePair<string, object?>("type", TypeOf(payload)));
        }
    }

    public void Error(string code) => _errors.Add(code);

    public void Closed(int code) => _closes.Add(KnownCloseCodes.Contains(code) ? CodeName(code) : Other);

    public void RateLimited() => Interlocked.Increment(ref _rateLimited);

    public void RefusedWhileDraining() => Interlocked.Increment(ref _refused);

    /// <summary>The known type named by a frame's top-level <c>type</c>, else <c>other</c>.</summary>
    internal string TypeOf(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Other;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType)
                {
                    return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? Lookup(reader.ValueSpan) : Other;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return Other;
    }

    private string Lookup(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[32];
        return utf8.Length <= chars.Length && Encoding.UTF8.TryGetChars(utf8, chars, out var written)
            && _typeLookup.TryGetValue(chars[..written], out var known) ? known : Other;
    }

    private static string CodeName(int code) => code switch
    {
        CloseCodes.Normal => "1000",
        1001 => "1001",
        CloseCodes.UnsupportedData => "1003",
        1006 => "1006",
        CloseCodes.PolicyViolation => "1008",
        CloseCodes.MessageTooBig => "1009",
        1011 => "1011",
        CloseCodes.ServiceRestart => "1012",
        CloseCodes.TryAgainLater => "1013",
        CloseCodes.TokenExpired => "4001",
        CloseCodes.Forbidden => "4003",
        _ => "4108",
    };

    private static IEnumerable<Measurement<long>> OpenByRole(ConnectionRegistry registry)
    {
        long extension = 0, mcp = 0, tunnel = 0;
        foreach (var connection in registry.All)
        {
            switch (connection.Member.Role)
            {
                case ConnectionRole.Extension:
                    extension++;
                    break;
                case ConnectionRole.Mcp:
                    mcp++;
                    break;
                default:
                    tunnel++;
                    break;
            }
        }

        return
        [
            new(extension, new KeyValuePair<string, object?>("role", "extension")),
            new(mcp, new KeyValuePair<string, object?>("role", "mcp")),
            new(tunnel, new KeyValuePair<string, object?>("role", "tunnel")),
        ];
    }
}
