using System.Collections.Immutable;
using System.Net.WebSockets;
using System.Text;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Operations;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// One client socket for its whole life: a receive loop that validates and publishes, and a send loop
/// that is the socket's only writer, fed by the queue its <see cref="DeliveryState"/> keeps.
/// </summary>
internal sealed partial class RelayConnection : IDisposable
{
    private const int MaxCloseReasonBytes = 123;

    private readonly WebSocket _socket;
    private readonly ConnectionServices _services;
    private readonly ILogger _logger;
    private readonly GatewaySession _session;
    private readonly DeliveryState _delivery;
    private readonly CancellationTokenSource _abort = new();
    private readonly TokenBucket _bucket;
    private readonly TokenBucket _byteBucket;
    private readonly Lock _gate = new();
    private readonly bool _tokenBound;
    private readonly IWireDialect? _dialect;
    private readonly ExpiryTimer _tokenExpiry;
    private (int Code, string Reason)? _close;
    private volatile bool _discardQueued;
    private int _rosterSize;

    public RelayConnection(
        WebSocket socket, ConnectionServices services, ConnectionRole role, string sessionId, DateTimeOffset? tokenExpiresAt, IWireDialect? dialect = null)
    {
        _socket = socket;
        _dialect = dialect;
        _services = services;
        _logger = services.Logger;
        SessionId = sessionId;
        ConnectionId = "c_" + Guid.NewGuid().ToString("N")[..16];
        var time = TimeProvider.System;
        _bucket = new TokenBucket(services.Options.RateLimit.PermitsPerSecond, services.Options.RateLimit.Burst, time);
        _byteBucket = new TokenBucket(services.Options.RateLimit.BytesPerSecond, services.Options.RateLimit.BurstBytes, time);
        _delivery = new DeliveryState(new DeliveryLimits(services.Options.SendQueueBytes, services.Options.InitGracePeriod), time,
            ReadReplayAsync, CloseForDelivery);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Member = new MemberInfo(ConnectionId, role, services.Identity.GatewayId, now, null,
            role == ConnectionRole.Extension ? [.. Capabilities.AllCapture] : ImmutableArray<string>.Empty,
            null, null, null, now);
        _tokenBound = tokenExpiresAt is not null;
        _tokenExpiry = new ExpiryTimer(time, () => RequestClose(CloseCodes.TokenExpired, "token expired", discardQueued: true));
        _tokenExpiry.Schedule(tokenExpiresAt);

        // Last: the session's renewals read this connection from now on.
        _session = services.Sessions.Attach(this);
    }

    public string ConnectionId { get; }

    public string SessionId { get; }

    /// <summary>This connection's roster entry as the gateway knows it; renewals send it to the session.</summary>
    public MemberInfo Member { get; private set; }

    /// <summary><c>metadata.source</c>: the client type, or the role; never the relay's own name.</summary>
    private string Source => Member.ClientType is { } clientType && clientType != WireJson.RelaySource
        ? clientType
        : WireJson.RoleName(Member.Role);

    /// <summary>Runs the connection until its socket is closed; the endpoint awaits this.</summary>
    public async Task RunAsync()
    {
        using var scope = _logger.BeginScope(new ConnectionLogScope(SessionId, ConnectionId));
        _services.Registry.Add(this);
        try
        {
            JoinResult join;
            try
            {
                join = await _session.Grain.Join(Member, _services.Fanout.Reference);
            }
            catch (Exception ex)
            {
                LogSessionUnavailable(ex, SessionId);
                await CloseNowAsync(CloseCodes.TryAgainLater, "session unavailable; retry shortly");
                return;
            }

            if (!join.Admitted)
            {
                await CloseNowAsync(CloseCodes.TryAgainLater, "session roster is full");
                return;
            }

            _rosterSize = join.RosterSize;
            _delivery.Opened(Ack(join.Epoch, join.LastSeq), join.Epoch, join.LastSeq);
            LogOpened(SessionId, ConnectionId, Member.Role);

            var sending = SendLoopAsync();
            var publishing = PublishLoopAsync();
            try
            {
                await ReceiveLoopAsync();
            }
            finally
            {
                // Everything received is handled before the connection leaves its session.
                _inbound.Writer.TryComplete();
                await publishing;
            }

            RequestClose(CloseCodes.Normal, "");
            await sending;
        }
        finally
        {
            _services.Registry.Remove(this);
            _services.Sessions.Detach(_session, this);
            await LeaveAsync();
            LogClosed(SessionId, ConnectionId, _close?.Code ?? 0);
            _services.Metrics.Closed(_close?.Code ?? 0);
        }
    }

    /// <summary>
    /// Asks the send loop to close the socket with <paramref name="code"/> after what is queued (or at once,
    /// dropping the queue, for codes where the client recovers from history). The first request wins; a
    /// socket that cannot finish closing within <c>Relay:CloseTimeout</c> is aborted.
    /// </summary>
    public void RequestClose(int code, string reason, bool discardQueued = false)
    {
        lock (_gate)
        {
            if (_close is not null)
            {
                return;
            }

            _close = (code, TrimReason(reason));
        }

        _discardQueued = discardQueued;
        _delivery.Complete();
        try
        {
            _abort.CancelAfter(_services.Options.CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _services.Sessions.Detach(_session, this);
        _abort.Dispose();
        _tokenExpiry.Dispose();
        _delivery.Dispose();
    }

    private Task<ReplayPage> ReadReplayAsync(string epoch, long afterSeq, int maxEvents, int maxBytes, CancellationToken cancellationToken) =>
        _session.Grain.ReadReplay(new ReplayRequest(ConnectionId, epoch, afterSeq, maxEvents, maxBytes)).WaitAsync(cancellationToken);

    private async Task LeaveAsync()
    {
        try
        {
            await _session.Grain.Leave(ConnectionId);
        }
        catch (Exception ex)
        {
            // The session drops us anyway when this gateway's next renewal leaves us out.
            LogLeaveFailed(ex, SessionId, ConnectionId);
        }
    }

    private async Task CloseNowAsync(int code, string reason)
    {
        _close = (code, reason);
        using var timeout = new CancellationTokenSource(_services.Options.CloseTimeout);
        try
        {
            await _socket.CloseAsync((WebSocketCloseStatus)code, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static string TrimReason(string reason)
    {
        // Encoding replaces lone surrogates (JSON can carry "\ud800"), which the close frame could not encode.
        var bytes = Encoding.UTF8.GetBytes(reason);
        if (bytes.Length <= MaxCloseReasonBytes)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        // Cut before a UTF-8 sequence, never inside one.
        var end = MaxCloseReasonBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return Encoding.UTF8.GetString(bytes, 0, end);
    }
}
