namespace RapidTriage.Mcp.Tests;

/// <summary>Per-test timeouts (ms) for <c>[Fact(Timeout = ...)]</c>; every async test has one.</summary>
internal static class TestTimeouts
{
    public const int Short = 30_000;
    public const int Long = 90_000;
}
