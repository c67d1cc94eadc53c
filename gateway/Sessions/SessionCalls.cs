using System.Buffers;
using System.Text.Json;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Envelopes;

namespace RapidTriage.Gateway.Sessions;

/// <summary>
/// Lets a caller that holds no socket (an MCP tool call, a BrowserTools HTTP endpoint) act in a session. What it
/// sends goes through the same validation, stamping and redaction as a socket's frames (<see cref="EnvelopeParser"/>),
/// so history and every member see it exactly as if a member had sent it.
/// </summary>
internal sealed class SessionCalls(EnvelopeParser parser, IGrainFactory grains)
{
    /// <summary>
    /// Adds <paramref name="frame"/> (an envelope's JSON) to the session as an event from <paramref name="callerId"/>,
    /// stamped with <c>metadata.source</c> = <paramref name="source"/>.
    /// </summary>
    public async Task<PostOutcome> PostAsync(string sessionId, string callerId, string source, ReadOnlyMemory<byte> frame)
    {
        if (!parser.TryParse(frame, new StampContext(sessionId, callerId, source), out var parsed, out var error))
        {
            return new PostOutcome(0, error);
        }

        if (parsed.IsControl || parsed.Kind != EnvelopeKind.Event)
        {
            return new PostOutcome(0, new FrameError(ErrorCodes.InvalidMessage, $"\"{parsed.Type}\" is not an event.", parsed.Id));
        }

        var result = await grains.GetGrain<ISessionGrain>(sessionId)
            .Post(new InboundEnvelope(parsed.Kind, parsed.Type, parsed.Id, callerId, parsed.Payload!));
        return result.Status == PublishStatus.TooManyTypes
            ? new PostOutcome(0, new FrameError(ErrorCodes.TooManyTypes,
                $"This session already holds the most event types it keeps (Relay:History:MaxTypes); \"{parsed.Type}\" was not stored.", parsed.Id))
            : new PostOutcome(result.Seq, null);
    }

    /// <summary>
    /// Sends a command of <paramref name="type"/> (its <c>data</c> written by <paramref name="writeData"/>) to the
    /// members that serve it and waits for the answer, at most <paramref name="timeout"/> (zero: <c>Relay:CommandTimeout</c>).
    /// </summary>
    public async Task<CommandReply> AskAsync(
        string sessionId, string callerId, string source, string type, Action<Utf8JsonWriter>? writeData, TimeSpan timeout)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("id", WireJson.NewId());
            writer.WriteStartObject("data");
            writeData?.Invoke(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (!parser.TryParse(buffer.WrittenMemory, new StampContext(sessionId, callerId, source), out var parsed, out var error)
            || parsed.Kind != EnvelopeKind.Command)
        {
            throw new ArgumentException($"Not a command the relay can send: {type} ({error.Message})", nameof(type));
        }

        return await grains.GetGrain<ISessionGrain>(sessionId)
            .Ask(new InboundEnvelope(parsed.Kind, parsed.Type, parsed.Id, callerId, parsed.Payload!), timeout);
    }
}

/// <summary>What <see cref="SessionCalls.PostAsync"/> did: the event's <c>seq</c>, or why it was refused.</summary>
internal readonly record struct PostOutcome(long Seq, FrameError? Error);
