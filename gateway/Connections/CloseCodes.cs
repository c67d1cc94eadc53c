namespace RapidTriage.Gateway.Connections;

/// <summary>The close codes of docs/protocol.md section 3.</summary>
internal static class CloseCodes
{
    public const int Normal = 1000;
    public const int UnsupportedData = 1003;
    public const int PolicyViolation = 1008;
    public const int MessageTooBig = 1009;
    public const int ServiceRestart = 1012;
    public const int TryAgainLater = 1013;
    public const int TokenExpired = 4001;
    public const int Forbidden = 4003;
    public const int SlowConsumer = 4108;
}
