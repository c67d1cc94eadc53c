using System.Collections.Immutable;
using System.Text.Json;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    private const int MaxHistoryPage = 1000;
    private const int DefaultHistoryPage = 100;

    private Task HandleControlAsync(ParsedFrame parsed) => parsed.Type switch
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
        Member = Member with
        {
            ClientType = ReadString(data, "clientType") ?? Member.ClientType,
            Version = ReadString(data, "version") ?? Member.Version,
            TabId = ReadString(data, "tabId") ?? Member.TabId,
            UserAgent = ReadString(data, "userAgent") ?? Member.UserAgent,
            Capabilities = capabilities ?? Member.Capabilities,
            LastSeen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };

        long? lastSeq = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("lastSeq", out var seq)
            && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var value) ? value : null;
        var epoch = ReadString(data, "epoch");
        var lateRecovery = false;
        if (lastSeq is { } asked)
        {
            lock (_gate)
            {
                if (!_holding)
                {
                    // Frames were already released (a slow init, or a second one). The replay can still come
                    // first if no event newer than the client's lastSeq went out: hold again and recover.
                    lateRecovery = _lastEventSeq > asked;
                    _holding = !lateRecovery;
                }
            }
        }

        InitResult result;
        try
        {
            result = await _session.Init(new InitRequest(Member, lateRecovery ? null : lastSeq, epoch), _services.Fanout.Reference);
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, SessionId, ConnectionId);
            SendError(new FrameError(ErrorCodes.Unavailable, "The session is unavailable right now; send connection-init again.", parsed.Id));
            return;
        }

        var recovered = lateRecovery ? false : result.Recovered;
        var replayed = result.Recovered == true && !lateRecovery;
        var reason = lateRecovery ? "late-init: send connection-init with lastSeq as the first message" : result.Reason;
        ReleaseHeld(() =>
        {
            EnqueueLocked(new Outbound(Ack(result.Epoch, result.LastSeq, recovered, reason), 0), isEvent: false);
            AckedLocked(result.Epoch, result.LastSeq, replayed);
            if (replayed)
            {
                foreach (var item in result.Replay)
                {
                    EnqueueLocked(new Outbound(item.Payload, item.Seq), isEvent: true);
                }
            }
        });
    }

    private async Task HandleHeartbeatAsync(ParsedFrame parsed)
    {
        int connections;
        try
        {
            connections = (await _session.GetRoster()).Length;
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, SessionId, ConnectionId);
            connections = -1;
        }

        Send(ServerFrames.Heartbeat(SessionId, parsed.Id, _services.Identity.UptimeMs, connections));
    }

    private async Task HandleHistoryAsync(ParsedFrame parsed)
    {
        var data = parsed.Data;
        var types = ReadStrings(data, "types") ?? (ReadString(data, "type") is { } one ? [one] : []);
        var afterSeq = ReadInt64(data, "afterSeq") ?? 0;
        var limit = (int)Math.Clamp(ReadInt64(data, "limit") ?? DefaultHistoryPage, 1, MaxHistoryPage);
        try
        {
            var page = await _session.GetHistory(new HistoryQuery(types, afterSeq, limit));
            Send(ServerFrames.History(SessionId, parsed.Id, page));
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, SessionId, ConnectionId);
            SendError(new FrameError(ErrorCodes.Unavailable, "History is unavailable right now; retry.", parsed.Id));
        }
    }

    private async Task HandleAuthRefreshAsync(ParsedFrame parsed)
    {
        var check = await _services.Tokens.ValidateAsync(ReadString(parsed.Data, "token"));
        if (!check.IsValid)
        {
            SendError(new FrameError(ErrorCodes.InvalidToken, $"Token refused: {check.Failure}.", parsed.Id));
            return;
        }

        if (!string.Equals(check.SessionId, SessionId, StringComparison.Ordinal))
        {
            SendError(new FrameError(ErrorCodes.Forbidden, "That token is for another session.", parsed.Id));
            return;
        }

        // A local connection that needed no token does not start to expire because it showed one.
        if (_tokenBound)
        {
            ScheduleTokenExpiry(check.ExpiresAt);
        }

        Send(ServerFrames.AuthRefreshAck(SessionId, parsed.Id, check.ExpiresAt));
    }

    private Task HandleCloseRequest(ParsedFrame parsed)
    {
        var code = (int)(ReadInt64(parsed.Data, "code") ?? CloseCodes.Normal);
        if (code != CloseCodes.Normal && code is not (>= 3000 and <= 4999))
        {
            // Only 1000 and the application range may be sent by an endpoint; anything else ends normally.
            code = CloseCodes.Normal;
        }

        RequestClose(code, ReadString(parsed.Data, "reason") ?? ReadString(parsed.Data, "message") ?? "client-disconnect");
        return Task.CompletedTask;
    }

    private byte[] Ack(string epoch, long lastSeq, bool? recovered = null, string? reason = null) =>
        ServerFrames.Ack(SessionId, new AckFields(ConnectionId, _services.Identity.ServerId, _services.Options.MaxMessageSize,
            (long)_services.Options.HeartbeatInterval.TotalMilliseconds, epoch, lastSeq, recovered, reason));

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
}
