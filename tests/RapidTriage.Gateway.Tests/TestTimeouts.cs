namespace RapidTriage.Gateway.Tests;

/// <summary>Per-test timeouts (ms) for <c>[Fact(Timeout = ...)]</c>; every async test has one.</summary>
internal static class TestTimeouts
{
    public const int Short = 20_000;
    public const int Long = 60_000;
}
