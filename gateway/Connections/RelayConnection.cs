using System.Collections.Immutable;
using System.Net.WebSockets;
using System.Text;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Operations;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// One client socket for its whole life, coordinating units with one job each: the <see cref="SocketTransport"/>
/// (receive loop, sends, close handshake), the <see cref="DeliveryState"/> (what the client is owed and its send
/// queue), the <see cref="ControlHandler"/> (init, heartbeat, history, auth refresh) and the
/// <see cref="SessionPublisher"/> (what the client publishes, in batches). It joins and leaves the session,
/// applies the rate limits, and decides how the socket closes.
/// </summary>
internal sealed partial class RelayConnection : IDisposable, IDeliveryOwner, ISocketOwner
{
    private const int MaxCloseReasonBytes = 123;

    private readonly SocketTransport _transport;
    private readonly ILogger _logger;
    private readonly SessionPublisher _publisher;
    private readonly TokenBucket _bucket;
    private readonly TokenBucket _byteBucket;
    private readonly Lock _gate = new();
    private readonly ExpiryTimer? _tokenExpiry;
    private (int Code, string Reason)? _close;
    private volatile bool _discardQueued;
    private int _rosterSize;

    public RelayConnection(
        WebSocket socket, ConnectionServices services, ConnectionRole role, string sessionId, DateTimeOffset? tokenExpiresAt, IWireDialect? dialect = null)
    {
        var time = TimeProvider.System;
        Services = services;
        Dialect = dialect;
        _logger = services.Logger;
        SessionId = sessionId;
        ConnectionId = "c_" + Guid.NewGuid().ToString("N")[..16];
        _transport = new SocketTransport(socket, this, time);
        _bucket = new TokenBucket(services.Options.RateLimit.PermitsPerSecond, services.Options.RateLimit.Burst, time);
        _byteBucket = new TokenBucket(services.Options.RateLimit.BytesPerSecond, services.Options.RateLimit.BurstBytes, time);
        Delivery = new DeliveryState(new DeliveryLimits(services.Options.SendQueueBytes, services.Options.InitGracePeriod), time, this);
        _publisher = new SessionPublisher(this, new ControlHandler(this));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Member = new MemberInfo(ConnectionId, role, services.Identity.GatewayId, now, null,
            role == ConnectionRole.Extension ? [.. Capabilities.AllCapture] : ImmutableArray<string>.Empty,
            null, null, null, now);

        // Only a connection that showed a token expires; one that needed none has no timer.
        if (tokenExpiresAt is not null)
        {
            _tokenExpiry = new ExpiryTimer(time, () => RequestClose(CloseCodes.TokenExpired, "token expired", discardQueued: true));
            _tokenExpiry.Schedule(tokenExpiresAt);
        }

        // Last: the session's renewals read this connection from now on.
        Session = services.Sessions.Attach(this);
    }

    public string ConnectionId { get; }

    public string SessionId { get; }

    /// <summary>This connection's roster entry as the gateway knows it; renewals send it to the session.</summary>
    public MemberInfo Member { get; set; }

    /// <summary>The session as this gateway holds it (its grain, its renewal).</summary>
    public GatewaySession Session { get; }

    public DeliveryState Delivery { get; }

    public ConnectionServices Services { get; }

    public IWireDialect? Dialect { get; }

    public ILogger Logger => _logger;

    /// <summary>The roster size this connection last heard of (heartbeats answer with it).</summary>
    public int RosterSize
    {
        get => Volatile.Read(ref _rosterSize);
        set => Volatile.Write(ref _rosterSize, value);
    }

    /// <summary>A close was requested: what arrives after it is not acted on.</summary>
    public bool IsClosing
    {
        get
        {
            lock (_gate)
            {
                return _close is not null;
            }
        }
    }

    /// <summary><c>metadata.source</c>: the client type, or the role; never the relay's own name.</summary>
    public string Source => Member.ClientType is { } clientType && clientType != WireJson.RelaySource
        ? clientType
        : WireJson.RoleName(Member.Role);

    /// <summary>Bytes waiting in this connection's send queue (metrics).</summary>
    public long QueuedBytes => Delivery.QueuedBytes;

    /// <summary>
    /// What this gateway's renewal tells the session about this connection: the epoch its client was acked with,
    /// and the <c>seq</c> through which every event meant for it has been queued (its delivery cursor). Null before
    /// the first ack and once closing (the connection is about to leave; it must not be renewed back in).
    /// </summary>
    public Subscription? Subscription =>
        !IsClosing && Delivery.Position is { } position ? new Subscription(Member, position.Epoch, position.Seq) : null;

    int ISocketOwner.MaxFrameBytes => Dialect?.MaxFrameBytes ?? Services.Options.MaxMessageSize;

    (int Code, string Reason) ISocketOwner.CloseStatus => _close ?? (CloseCodes.Normal, "");

    /// <summary>Runs the connection until its socket is closed; the endpoint awaits this.</summary>
    public async Task RunAsync()
    {
        using var scope = _logger.BeginScope(new ConnectionLogScope(SessionId, ConnectionId));
        Services.Registry.Add(this);
        try
        {
            JoinResult join;
            try
            {
                join = await Session.Grain.Join(Member, Services.Fanout.Reference);
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
            Delivery.Opened(Ack(join.Epoch, join.LastSeq), join.Epoch, join.LastSeq);
            LogOpened(SessionId, ConnectionId, Member.Role);

            try
            {
                await _transport.ReceiveAsync();
            }
            finally
            {
                // Everything received is handled before the connection leaves its session.
                await _publisher.CompleteAsync();
            }

            RequestClose(CloseCodes.Normal, "");
            await _transport.SendEndedAsync();
        }
        finally
        {
            Services.Registry.Remove(this);
            Services.Sessions.Detach(Session, this);
            await LeaveAsync();
            LogClosed(SessionId, ConnectionId, _close?.Code ?? 0);
            Services.Metrics.Closed(_close?.Code ?? 0);
        }
    }

    /// <summary>Takes a frame from the session (any thread); <see cref="DeliveryState"/> decides when it goes out.</summary>
    public void Deliver(Delivery delivery)
    {
        if (delivery.RosterSize > 0)
        {
            RosterSize = delivery.RosterSize;
        }

        Delivery.Deliver(delivery);
    }

    /// <summary>
    /// Asks for the socket to close with <paramref name="code"/> after what is queued (or at once, dropping the
    /// queue, for codes where the client recovers from history). The first request wins; a socket that cannot
    /// finish closing within <c>Relay:CloseTimeout</c> is aborted.
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
        _transport.BeginClose(Services.Options.CloseTimeout);
        Delivery.Complete();
    }

    /// <summary>Enqueues a frame the gateway itself answers with; never held, never dropped.</summary>
    public void EnqueueReply(byte[] payload) => Delivery.EnqueueControl(payload);

    /// <summary>Enqueues an <c>error</c> frame (and counts it).</summary>
    public void EnqueueError(FrameError error)
    {
        Services.Metrics.Error(error.Code);
        EnqueueReply(ServerFrames.Error(SessionId, error));
    }

    /// <summary>An <c>auth-refresh</c> was accepted: a connection that showed a token now expires at the new time.</summary>
    public void RefreshTokenExpiry(DateTimeOffset? expiresAt) =>

        // A local connection that needed no token does not start to expire because it showed one.
        _tokenExpiry?.Schedule(expiresAt);

    /// <summary>The <c>connection-ack</c> frame.</summary>
    public byte[] Ack(string epoch, long lastSeq, bool? recovered = null, string? reason = null) =>
        ServerFrames.Ack(SessionId, new AckFields(ConnectionId, Services.Identity.ServerId, Services.Options.MaxMessageSize,
            (long)Services.Options.HeartbeatInterval.TotalMilliseconds, epoch, lastSeq, recovered, reason));

    /// <summary>Ends the socket at once (the publisher failed): the receive loop and any send end too.</summary>
    public void Abort() => _transport.Abort();

    public void Dispose()
    {
        Services.Sessions.Detach(Session, this);
        _transport.Dispose();
        _tokenExpiry?.Dispose();
        Delivery.Dispose();
    }

    Task<ReplayPage> IDeliveryOwner.ReadReplayAsync(string epoch, long afterSeq, int maxEvents, int maxBytes, CancellationToken cancellationToken) =>
        Session.Grain.ReadReplay(new ReplayRequest(ConnectionId, epoch, afterSeq, maxEvents, maxBytes)).WaitAsync(cancellationToken);

    void IDeliveryOwner.CloseForDelivery(int code, string reason)
    {
        if (code == CloseCodes.SlowConsumer)
        {
            LogSlowConsumer(SessionId, ConnectionId, Delivery.QueuedBytes);
        }

        RequestClose(code, reason, discardQueued: true);
    }

    void IDeliveryOwner.SendReady() => _transport.SendReady();

    ValueTask ISocketOwner.ReceivedAsync(Inbound item) => _publisher.EnqueueAsync(item.Buffer is null ? item : Admit(item.Buffer, item.Length));

    void ISocketOwner.PeerClosed(int code, string reason) => RequestClose(code, reason, discardQueued: true);

    QueueTake ISocketOwner.TryTakeNext(out byte[]? bytes)
    {
        var take = Delivery.TryTake(out var item);
        bytes = take != QueueTake.Frame || _discardQueued ? null
            : Dialect is null || item.Translated ? item.Payload
            : Dialect.Outbound(item.Payload);
        return take;
    }

    void ISocketOwner.Sent(byte[] bytes) => Services.Metrics.Sent(bytes);

    /// <summary>
    /// The rate limits, judged as frames arrive: messages per second and bytes per second, so neither many small
    /// frames nor a few large ones let one connection crowd out the others. A frame over either becomes its error
    /// (or, when the connection keeps exceeding them, the 1008 close).
    /// </summary>
    private Inbound Admit(byte[] frame, int length)
    {
        var limits = Services.Options.RateLimit;
        var overMessages = !_bucket.TryTake();
        var overBytes = !overMessages && !_byteBucket.TryTake(length);
        if (!overMessages && !overBytes)
        {
            return Inbound.Frame(frame, length);
        }

        Services.Metrics.RateLimited();
        var refId = EnvelopeParser.PeekId(frame.AsSpan(0, length));
        SessionPublisher.ReleaseBuffer(frame);
        if (_bucket.LimitedFor >= limits.CloseAfter || _byteBucket.LimitedFor >= limits.CloseAfter)
        {
            return Inbound.Close(CloseCodes.PolicyViolation, "rate limit exceeded for too long");
        }

        return Inbound.Refusal(new FrameError(ErrorCodes.RateLimited, overMessages
            ? $"Over the rate limit ({limits.PermitsPerSecond}/s, burst {limits.Burst}); message not relayed."
            : $"Over the byte rate limit ({limits.BytesPerSecond} bytes/s, burst {limits.BurstBytes} bytes); message not relayed.",
            refId));
    }

    private async Task LeaveAsync()
    {
        try
        {
            await Session.Grain.Leave(ConnectionId);
        }
        catch (Exception ex)
        {
            // The session drops us anyway when this gateway's next renewal leaves us out.
            LogLeaveFailed(ex, SessionId, ConnectionId);
        }
    }

    private Task CloseNowAsync(int code, string reason)
    {
        _close = (code, reason);
        return _transport.CloseNowAsync(code, reason, Services.Options.CloseTimeout);
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
