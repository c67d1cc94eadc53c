using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Auth;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Api;

/// <summary><c>GET /api/sessions/{id}</c> and <c>/events</c> (docs/protocol.md sections 2 and 5), with the tunnel's auth.</summary>
internal static class SessionApi
{
    private const int MaxPage = 1000;

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions/{sessionId}").RequireRateLimiting(SessionApiLimits.Policy);
        group.MapGet("/", GetRosterAsync);
        group.MapGet("/events", GetEventsAsync);
        return app;
    }

    private static async Task<IResult> GetRosterAsync(string sessionId, HttpContext context, IGrainFactory grains)
    {
        if (await AuthorizeAsync(context, sessionId) is { } refusal)
        {
            return refusal;
        }

        var roster = await grains.GetGrain<ISessionGrain>(sessionId).GetRoster();
        return Json(writer =>
        {
            writer.WriteString("sessionId", sessionId);
            writer.WriteNumber("count", roster.Length);
            writer.WriteStartArray("members");
            foreach (var member in roster)
            {
                writer.WriteStartObject();
                WireJson.WriteMemberFields(writer, member);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

    private static async Task<IResult> GetEventsAsync(
        string sessionId, HttpContext context, IGrainFactory grains, IOptions<RelayOptions> options, string[]? type, long? afterSeq, int? limit)
    {
        if (await AuthorizeAsync(context, sessionId) is { } refusal)
        {
            return refusal;
        }

        if (limit is < 1 || afterSeq is < 0)
        {
            return Refuse(context, StatusCodes.Status400BadRequest, "limit must be at least 1 and afterSeq at least 0.");
        }

        var types = (type ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToImmutableArray();
        var page = await grains.GetGrain<ISessionGrain>(sessionId)
            .GetHistory(new HistoryQuery(types, afterSeq ?? 0, Math.Min(limit ?? 100, MaxPage)));
        return Json(writer => ServerFrames.WriteHistory(writer, CapBytes(page, options.Value.Api.MaxResponseBytes)));
    }

    /// <summary>
    /// The longest start of <paramref name="page"/> whose events fit in <paramref name="maxBytes"/> (at least one);
    /// a cut page says <c>hasMore</c>, and the client asks again after the last <c>seq</c> it got.
    /// </summary>
    private static HistoryPage CapBytes(HistoryPage page, int maxBytes)
    {
        long bytes = 0;
        for (var i = 0; i < page.Events.Length; i++)
        {
            bytes += page.Events[i].Payload.Length + 1;
            if (bytes > maxBytes && i > 0)
            {
                return page with { Events = page.Events[..i], HasMore = true };
            }
        }

        return page;
    }

    private static async Task<IResult?> AuthorizeAsync(HttpContext context, string sessionId)
    {
        var services = context.RequestServices;
        var (status, message) = services.GetRequiredService<HandshakeGate>().CheckCaller(context);
        if (status != 0)
        {
            return Refuse(context, status, message!);
        }

        if (!SessionIds.IsValid(sessionId))
        {
            return Refuse(context, StatusCodes.Status400BadRequest, $"Bad session id: {SessionIds.Rule}.");
        }

        var check = await services.GetRequiredService<TokenService>().ValidateAsync(HandshakeGate.BearerToken(context.Request));
        if (!check.IsValid)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Refuse(context, StatusCodes.Status401Unauthorized, $"Unauthorized: {check.Failure}.");
        }

        return string.Equals(check.SessionId, sessionId, StringComparison.Ordinal)
            ? null
            : Refuse(context, StatusCodes.Status403Forbidden, "Forbidden: the token is for another session.");
    }

    /// <summary>A Problem response, logged by <see cref="RefusalLog"/>.</summary>
    private static IResult Refuse(HttpContext context, int status, string title)
    {
        context.RequestServices.GetRequiredService<RefusalLog>().Refused(context, status, title);
        return Results.Problem(statusCode: status, title: title);
    }

    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }
}
