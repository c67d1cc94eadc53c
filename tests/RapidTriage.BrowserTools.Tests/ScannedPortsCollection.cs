namespace RapidTriage.BrowserTools.Tests;

/// <summary>
/// Tests that put a connector on a port BrowserTools scans (3025-3035) run one after another: the MCP server takes the
/// first connector its scan finds, so two at once could find each other's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScannedPortsCollection
{
    public const string Name = "BrowserTools scanned ports";
}
