using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Connections;

/// <summary>
/// The gateway's WebSocket keep-alive (<c>Relay:HeartbeatInterval</c>): a connection from which nothing arrived for
/// one interval is pinged, and one from which nothing arrived for two intervals is aborted. Any bytes count: a
/// frame, or the pong a client's WebSocket sends by itself.
/// </summary>
/// <remarks>
/// One sweep over all of the gateway's sockets (every second, or every quarter interval when that is shorter) does
/// what the runtime's per-socket keep-alive does with a timer per socket firing every quarter interval. With 2,000 idle sockets per gateway
/// those timers were 270 wake-ups a second, most of an idle gateway's CPU (docs/perf-results/notes.md); a
/// quiet socket now costs one ping and its pong per interval. Every WebSocket the gateway accepts is watched:
/// <see cref="SocketLivenessExtensions.UseSocketLiveness"/> wraps the transport before the WebSocket middleware sees it.
/// </remarks>
internal sealed partial class SocketLiveness : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<LiveStream> _streams = [];
    private readonly List<LiveStream> _due = [];
    private readonly ILogger<SocketLiveness> _logger;
    private readonly ITimer _timer;
    private readonly long _intervalMs;
    private readonly long _spreadMs;
    private long _watched;
    private int _sweeping;

    public SocketLiveness(IOptions<RelayOptions> options, TimeProvider time, ILogger<SocketLiveness> logger)
    {
        _logger = logger;
        var interval = options.Value.HeartbeatInterval;
        _intervalMs = (long)interval.TotalMilliseconds;

        // Sockets that went quiet together (opened together, say) are pinged over a quarter interval, not at once: a
        // burst of pings and pongs is a latency spike for the traffic beside it.
        _spreadMs = _intervalMs / 4;
        var period = TimeSpan.FromTicks(Math.Clamp(interval.Ticks / 4, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));
        _timer = time.CreateTimer(static state => ((SocketLiveness)state!).Sweep(), this, period, period);
    }

    /// <summary>Wraps an upgraded connection's transport and watches it until it is disposed.</summary>
    public Stream Watch(Stream transport, HttpContext context)
    {
        // Golden-ratio steps spread consecutive sockets evenly over the spread, however many there are.
        var spread = _spreadMs == 0 ? 0 : (long)((Interlocked.Increment(ref _watched) * 0.6180339887498949 % 1.0) * _spreadMs);
        var stream = new LiveStream(transport, context.Abort) { Disposed = Forget, PingDelay = spread };
        lock (_gate)
        {
            stream.Slot = _streams.Count;
            _streams.Add(stream);
        }

        // The WebSocket disposes its stream when it is disposed; this covers a request that ends without doing so.
        context.Response.RegisterForDispose(stream);
        return stream;
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>One pass: pings what has been quiet for an interval (and its share of the spread), aborts what has been silent for two.</summary>
    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = Environment.TickCount64;
            lock (_gate)
            {
                foreach (var stream in _streams)
                {
                    if (StepFor(stream, now) != Step.None)
                    {
                        _due.Add(stream);
                    }
                }
            }

            // Outside the lock: a ping may wait for a write in progress, an abort runs the transport's callbacks. Asked
            // again, because bytes may have arrived (or the socket closed) since the pass above.
            foreach (var stream in _due)
            {
                switch (stream.Slot < 0 ? Step.None : StepFor(stream, now))
                {
                    case Step.Abort:
                        LogSilent(now - stream.LastInbound);
                        Forget(stream);
                        stream.Abort();
                        break;
                    case Step.Ping:
                        stream.Ping();
                        break;
                }
            }
        }
        finally
        {
            _due.Clear();
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>Silent for two intervals: abort; quiet for one (and its share of the spread) and not yet pinged: ping.</summary>
    private Step StepFor(LiveStream stream, long now)
    {
        var quiet = now - stream.LastInbound;
        if (quiet >= 2 * _intervalMs)
        {
            return Step.Abort;
        }

        return quiet >= _intervalMs + stream.PingDelay && !stream.Pinged ? Step.Ping : Step.None;
    }

    private void Forget(LiveStream stream)
    {
        lock (_gate)
        {
            var slot = stream.Slot;
            if (slot < 0)
            {
                return;
            }

            // Swap-remove: the last stream takes the forgotten one's slot.
            var last = _streams[^1];
            _streams[slot] = last;
            last.Slot = slot;
            _streams.RemoveAt(_streams.Count - 1);
            stream.Slot = -1;
        }
    }

    private enum Step
    {
        None,
        Ping,
        Abort,
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Aborting a WebSocket silent for {QuietMs} ms (two heartbeat intervals)")]
    private partial void LogSilent(long quietMs);
}

/// <summary>Puts <see cref="SocketLiveness"/> under every WebSocket the gateway accepts.</summary>
internal static class SocketLivenessExtensions
{
    /// <summary>Must come before <c>UseWebSockets</c>, which takes the upgrade feature when a request arrives.</summary>
    public static IApplicationBuilder UseSocketLiveness(this IApplicationBuilder app)
    {
        var liveness = app.ApplicationServices.GetRequiredService<SocketLiveness>();
        return app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new WatchedUpgrade(upgrade, context, liveness));
            }

            if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
            {
                context.Features.Set<IHttpExtendedConnectFeature>(new WatchedConnect(connect, context, liveness));
            }

            return next(context);
        });
    }

    /// <summary>An HTTP/1.1 upgrade whose stream is watched.</summary>
    private sealed class WatchedUpgrade(IHttpUpgradeFeature inner, HttpContext context, SocketLiveness liveness) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => liveness.Watch(await inner.UpgradeAsync().ConfigureAwait(false), context);
    }

    /// <summary>An HTTP/2 extended CONNECT (WebSockets over HTTP/2) whose stream is watched.</summary>
    private sealed class WatchedConnect(IHttpExtendedConnectFeature inner, HttpContext context, SocketLiveness liveness) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => inner.IsExtendedConnect;

        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => liveness.Watch(await inner.AcceptAsync().ConfigureAwait(false), context);
    }
}
