namespace RapidTriage.Contracts;

/// <summary>Capability names a member declares in <c>connection-init</c>.</summary>
public static class Capabilities
{
    /// <summary>Captures console output.</summary>
    public const string ConsoleCapture = "console-capture";

    /// <summary>Captures network traffic.</summary>
    public const string NetworkCapture = "network-capture";

    /// <summary>Serves <c>screenshot-request</c>.</summary>
    public const string ScreenshotCapture = "screenshot-capture";

    /// <summary>Reports selected DOM elements.</summary>
    public const string ElementSelection = "element-selection";

    /// <summary>What an <c>extension</c> member has unless its <c>connection-init</c> says otherwise.</summary>
    public static IReadOnlyList<string> AllCapture { get; } =
        [ConsoleCapture, NetworkCapture, ScreenshotCapture, ElementSelection];
}
