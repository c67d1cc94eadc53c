using System.Collections.Immutable;
using System.Text.Json;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// The messages a connection's gateway answers itself (docs/protocol.md section 3): <c>connection-init</c> (roster
/// fields and recovery), <c>heartbeat</c>, <c>history-request</c>, <c>auth-refresh</c> and <c>connection-close</c>.
/// </summary>
internal sealed partial class ControlHandler(RelayConnection connection)
{
    private const int MaxHistoryPage = 1000;
    private const int DefaultHistoryPage = 100;

    /// <summary>Handles one control message, in arrival order with the connection's other frames.</summary>
    public Task HandleAsync(ParsedFrame parsed) => parsed.Type switch
    {
        MessageTypes.ConnectionInit => HandleInitAsync(parsed),
        MessageTypes.Heartbeat => HandleHeartbeatAsync(parsed),
        MessageTypes.HistoryRequest => HandleHistoryAsync(parsed),
        MessageTypes.AuthRefresh => HandleAuthRefreshAsync(parsed),
        _ => HandleCloseRequest(parsed),
    };

    private async Task HandleInitAsync(ParsedFrame parsed)
    {
        var data = parsed.Data;
        var capabilities = ReadStrings(data, "capabilities");
        var clientType = ReadString(data, "clientType");
        var version = ReadString(data, "version");
        var tabId = ReadString(data, "tabId");
        var userAgent = ReadString(data, "userAgent");
        if (InitRefusal(capabilities, ("clientType", clientType), ("version", version), ("tabId", tabId), ("userAgent", userAgent)) is { } refusal)
        {
            connection.EnqueueError(new FrameError(ErrorCodes.InvalidInit, refusal, parsed.Id));
            return;
        }

        var member = connection.Member;
        member = connection.Member = member with
        {
            ClientType = clientType ?? member.ClientType,
            Version = version ?? member.Version,
            TabId = tabId ?? member.TabId,
            UserAgent = userAgent ?? member.UserAgent,
            Capabilities = capabilities ?? member.Capabilities,
            LastSeen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };

        long? lastSeq = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("lastSeq", out var seq)
            && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var value) ? value : null;
        var epoch = ReadString(data, "epoch");

        // From here until the session answers, the hold does not end, whatever the grace period says: live events
        // must not overtake the replay this init may ask for.
        var delivery = connection.Delivery;
        var asked = delivery.BeginInit(lastSeq);
        InitResult result;
        try
        {
            result = await connection.Session.Grain.Init(new InitRequest(member, asked, epoch), connection.Services.Fanout.Reference);
        }
        catch (Exception ex)
        {
            delivery.InitFailed();
            LogSessionCallFailed(connection.Logger, ex, connection.SessionId, connection.ConnectionId);
            connection.EnqueueError(new FrameError(ErrorCodes.Unavailable, "The session is unavailable right now; send connection-init again.", parsed.Id));
            return;
        }

        if (result.RosterSize > 0)
        {
            connection.RosterSize = result.RosterSize;
        }

        delivery.CompleteInit(result, lastSeq is not null, (recovered, reason) => connection.Ack(result.Epoch, result.LastSeq, recovered, reason));
    }

    /// <summary>Why a <c>connection-init</c>'s roster fields are refused (too long, too many), or null.</summary>
    private string? InitRefusal(ImmutableArray<string>? capabilities, params (string Name, string? Value)[] fields)
    {
        var limits = connection.Services.Options.Limits;
        foreach (var (name, text) in fields)
        {
            if (text is { Length: var length } && length > limits.MaxInitFieldLength)
            {
                return $"connection-init: {name} is {length} characters; at most {limits.MaxInitFieldLength}.";
            }
        }

        if (capabilities is { } list)
        {
            if (list.Length > limits.MaxCapabilities)
            {
                return $"connection-init: {list.Length} capabilities; at most {limits.MaxCapabilities}.";
            }

            if (list.FirstOrDefault(c => c.Length > limits.MaxInitFieldLength) is { } tooLong)
            {
                return $"connection-init: a capability is {tooLong.Length} characters; at most {limits.MaxInitFieldLength}.";
            }
        }

        return null;
    }

    /// <summary>Answered from the roster size this connection last heard of, not by asking the session.</summary>
    private Task HandleHeartbeatAsync(ParsedFrame parsed)
    {
        connection.EnqueueReply(ServerFrames.Heartbeat(connection.SessionId, parsed.Id, connection.Services.Identity.UptimeMs, connection.RosterSize));
        return Task.CompletedTask;
    }

    private async Task HandleHistoryAsync(ParsedFrame parsed)
    {
        var data = parsed.Data;
        var types = ReadStrings(data, "types") ?? (ReadString(data, "type") is { } one ? [one] : []);
        var afterSeq = ReadInt64(data, "afterSeq") ?? 0;
        var limit = (int)Math.Clamp(ReadInt64(data, "limit") ?? DefaultHistoryPage, 1, MaxHistoryPage);
        try
        {
            var page = await connection.Session.Grain.GetHistory(new HistoryQuery(types, afterSeq, limit));
            connection.EnqueueReply(ServerFrames.History(connection.SessionId, parsed.Id, page));
        }
        catch (Exception ex)
        {
            LogSessionCallFailed(connection.Logger, ex, connection.SessionId, connection.ConnectionId);
            connection.EnqueueError(new FrameError(ErrorCodes.Unavailable, "History is unavailable right now; retry.", parsed.Id));
        }
    }

    private async Task HandleAuthRefreshAsync(ParsedFrame parsed)
    {
        var check = await connection.Services.Tokens.ValidateAsync(ReadString(parsed.Data, "token"));
        if (!check.IsValid)
        {
            connection.EnqueueError(new FrameError(ErrorCodes.InvalidToken, $"Token refused: {check.Failure}.", parsed.Id));
            return;
        }

        if (!string.Equals(check.SessionId, connection.SessionId, StringComparison.Ordinal))
        {
            connection.EnqueueError(new FrameError(ErrorCodes.Forbidden, "That token is for another session.", parsed.Id));
            return;
        }

        connection.RefreshTokenExpiry(check.ExpiresAt);
        connection.EnqueueReply(ServerFrames.AuthRefreshAck(connection.SessionId, parsed.Id, check.ExpiresAt));
    }

    private Task HandleCloseRequest(ParsedFrame parsed)
    {
        var code = (int)(ReadInt64(parsed.Data, "code") ?? CloseCodes.Normal);
        if (code != CloseCodes.Normal && code is not (>= 3000 and <= 4999))
        {
            // Only 1000 and the application range may be sent by an endpoint; anything else ends normally.
            code = CloseCodes.Normal;
        }

        connection.RequestClose(code, ReadString(parsed.Data, "reason") ?? ReadString(parsed.Data, "message") ?? "client-disconnect");
        return Task.CompletedTask;
    }

    private static string? ReadString(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => TextOf(value),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>A JSON string's text, or null when it cannot be text (a lone surrogate escape such as "\ud800").</summary>
    private static string? TextOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static long? ReadInt64(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static ImmutableArray<string>? ReadStrings(JsonElement data, string name)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(TextOf).OfType<string>()];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} call failed for {ConnectionId}")]
    private static partial void LogSessionCallFailed(ILogger logger, Exception ex, string sessionId, string connectionId);
}
