using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// Counts <c>ISessionGrain.Renew</c> calls as the session grain receives them (a call filter in the embedded
/// silo), by session and with the moment each arrived.
/// </summary>
internal sealed class RenewCalls : IIncomingGrainCallFilter
{
    private readonly ConcurrentQueue<(string SessionId, TimeSpan At)> _calls = new();
    private readonly long _started = Stopwatch.GetTimestamp();

    public void AddTo(WebApplicationBuilder builder) => builder.Services.AddSingleton<IIncomingGrainCallFilter>(this);

    /// <summary>When each renewal of <paramref name="sessionId"/> arrived, in order.</summary>
    public IReadOnlyList<TimeSpan> For(string sessionId) =>
        [.. _calls.Where(c => string.Equals(c.SessionId, sessionId, StringComparison.Ordinal)).Select(c => c.At)];

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.MethodName == "Renew")
        {
            _calls.Enqueue((context.TargetId.Key.ToString()!, Stopwatch.GetElapsedTime(_started)));
        }

        return context.Invoke();
    }
}
