using RapidTriage.Contracts;

namespace RapidTriage.Gateway.Connections;

internal sealed partial class RelayConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Opened {ConnectionId} ({Role}) in session {SessionId}")]
    private partial void LogOpened(string sessionId, string connectionId, ConnectionRole role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {ConnectionId} in session {SessionId} with {CloseCode}")]
    private partial void LogClosed(string sessionId, string connectionId, int closeCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} unavailable for a new connection")]
    private partial void LogSessionUnavailable(Exception ex, string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leave of {ConnectionId} from session {SessionId} failed")]
    private partial void LogLeaveFailed(Exception ex, string sessionId, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slow consumer {ConnectionId} in session {SessionId} ({QueuedBytes} bytes queued): closing with 4108")]
    private partial void LogSlowConsumer(string sessionId, string connectionId, long queuedBytes);
}
