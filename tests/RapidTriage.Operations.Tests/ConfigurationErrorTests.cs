using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// The built gateway and silo started with a bad value: each exits 1 at once, before listening, and says on stderr
/// which key is wrong, with no stack trace.
/// </summary>
public sealed class ConfigurationErrorTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string, string> BadSettings => new()
    {
        // process, setting, the key the message must name
        { "gateway", "--Relay:MaxMessageSize=0", "Relay:MaxMessageSize" },
        { "gateway", "--Relay:Silo:Mode=Remote", "Relay:Silo:Mode" },
        { "gateway", "--Relay:History:MaxTypes=0", "Relay:History:MaxTypes" },
        { "silo", "--Relay:Silo:SiloPort=0", "Relay:Silo:SiloPort" },
        { "silo", "--Relay:Silo:AdvertisedAddress=not-an-address", "Relay:Silo:AdvertisedAddress" },
        { "silo", "--Relay:Dashboard:Enabled=true", "Relay:Dashboard:Password" },
        { "silo", "--Relay:Storage:ContainerName=Not_A_Container", "Relay:Storage:ContainerName" },
        { "silo", "--Relay:Storage:TableServiceUri=not/absolute", "Relay:Storage:TableServiceUri" },
        { "silo", "--Relay:Cluster:ClusterId=a/b", "Relay:Cluster:ClusterId" },
        { "silo", "--Relay:Cluster:ObserverExpiry=00:00:00", "Relay:Cluster:ObserverExpiry" },
        { "silo", "--Relay:Cluster:OutboxMaxBatchBytes=0", "Relay:Cluster:OutboxMaxBatchBytes" },
        { "silo", "--Relay:History:FlushBudget=0", "Relay:History:FlushBudget" },
        { "silo", "--Relay:History:MaxFlushInterval=00:00:00.500", "Relay:History:MaxFlushInterval" },
        { "silo", "--Relay:Silo:Membership:ProbeTimeout=00:00:00", "Relay:Silo:Membership:ProbeTimeout" },
    };

    [Theory(Timeout = TestTimeouts.Long)]
    [MemberData(nameof(BadSettings))]
    public async Task Start_BadValue_ExitsOneNamingTheKeyWithoutAStackTrace(string process, string setting, string key)
    {
        var dll = process == "gateway" ? RepoDirectory.GatewayDll : RepoDirectory.SiloDll;
        await using var child = ChildProcess.Start("dotnet",
            [dll, "--Relay:Urls=http://127.0.0.1:0", "--Relay:Silo:Urls=http://127.0.0.1:0",
             $"--Relay:Silo:SiloPort={FreePort.Next()}", $"--Relay:Silo:GatewayPort={FreePort.Next()}", setting],
            Path.GetDirectoryName(dll)!, "dotnet must be on PATH");

        var exitCode = await child.WaitForExitAsync(ExitTimeout, CancellationToken.None);

        Assert.True(exitCode == 1, $"exit code {exitCode}\n{child.Describe()}");
        Assert.Contains("the configuration is invalid", child.StandardError, StringComparison.Ordinal);
        Assert.Contains(key, child.StandardError, StringComparison.Ordinal);
        var output = child.StandardOutput + child.StandardError;
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }
}
