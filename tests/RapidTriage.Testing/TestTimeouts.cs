using System.Diagnostics.CodeAnalysis;

namespace RapidTriage.Testing;

/// <summary>
/// Per-test timeouts (ms) for <c>[Fact(Timeout = ...)]</c>: every async test has one, so a hang fails the one test
/// that hangs, with its name, instead of stopping the whole run. Budgets for a shared, busy test machine.
/// </summary>
[SuppressMessage("Naming", "CA1720", Justification = "Short and Long name test lengths, not types.")]
public static class TestTimeouts
{
    /// <summary>One gateway in process, a few sockets.</summary>
    public const int Short = 30_000;

    /// <summary>Many frames, a restart in process, a browser page or a child process.</summary>
    public const int Long = 120_000;

    /// <summary>Several silos, gateways and Azurite as their own processes, with a failure or two.</summary>
    public const int Cluster = 300_000;
}
