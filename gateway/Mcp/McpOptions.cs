using System.ComponentModel.DataAnnotations;

namespace RapidTriage.Gateway.Mcp;

/// <summary>Limits of the <c>/mcp</c> endpoint, bound from <c>Relay:Mcp</c> (README "Configuration").</summary>
internal sealed class McpOptions
{
    public const string SectionName = "Relay:Mcp";

    /// <summary>Requests per second one client address may make to <c>/mcp</c>; over it answers 429.</summary>
    [Range(0.001, 1_000_000)]
    public double PermitsPerSecond { get; set; } = 20;

    /// <summary>Requests one client address may make at once before <see cref="PermitsPerSecond"/> applies.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 40;

    /// <summary>Largest request body accepted; a larger one answers 413. A tool call's arguments are small.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>Entries a log tool returns when the caller gives no <c>limit</c>.</summary>
    [Range(1, 10_000)]
    public int DefaultLimit { get; set; } = 50;

    /// <summary>The largest <c>limit</c> a log tool accepts.</summary>
    [Range(1, 10_000)]
    public int MaxLimit { get; set; } = 500;

    /// <summary>Events one log tool call reads from history at most while filtering.</summary>
    [Range(1, 1_000_000)]
    public int MaxScan { get; set; } = 5000;

    /// <summary>Strings longer than this (characters) are cut in tool results and marked as truncated.</summary>
    [Range(16, 1_000_000)]
    public int MaxStringLength { get; set; } = 500;

    /// <summary>Arrays longer than this are cut in tool results and marked as truncated.</summary>
    [Range(1, 100_000)]
    public int MaxArrayItems { get; set; } = 50;

    /// <summary>
    /// How long <c>takeScreenshot</c> waits for the browser. The session's <c>Relay:CommandTimeout</c> caps it.
    /// </summary>
    public TimeSpan ScreenshotTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
