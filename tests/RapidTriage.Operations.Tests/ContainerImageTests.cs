using System.Text.Json;
using RapidTriage.Operations.Tests.Harness;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// The container images cannot be built here (no Docker daemon), so their Dockerfiles are checked for what
/// matters: a multi-stage build from the SDK to the ASP.NET runtime, only sources that exist, a non-root user,
/// a health check that runs the image's own probe against its own health port, the right entry point.
/// </summary>
public sealed class ContainerImageTests
{
    public static TheoryData<string, string, string, string> Images => new()
    {
        // Dockerfile, project, dll, health URL
        { "gateway.Dockerfile", "gateway/RapidTriage.Gateway.csproj", "RapidTriage.Gateway.dll", "http://127.0.0.1:9090/healthz" },
        { "silo.Dockerfile", "silo/RapidTriage.Silo.csproj", "RapidTriage.Silo.dll", "http://127.0.0.1:8080/healthz" },
    };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Images))]
    public async Task Dockerfile_MultiStageNonRootWithHealthCheck_RunsTheRightDll(string file, string project, string dll, string health)
    {
        await Task.Yield();
        var dockerfile = Dockerfile.Read(Path.Combine(RepoDirectory.Root, "deploy", "docker", file));

        Assert.True(dockerfile.Stages.Count >= 2, "multi-stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile.Stages[0][0].Arguments, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile.Final[0].Arguments, StringComparison.Ordinal);
        Assert.Contains(dockerfile.All("RUN"), r => r.StartsWith($"dotnet publish {project} -c Release -o /app", StringComparison.Ordinal));
        Assert.Contains(dockerfile.All("COPY", finalOnly: true), c => c == "--from=build /app ./");

        // Every source the build copies exists in the repository (a typo would only show in a real build).
        foreach (var copy in dockerfile.Stages[0].Where(i => i.Instruction == "COPY").Select(i => i.Arguments.Split(' ')))
        {
            foreach (var source in copy[..^1])
            {
                Assert.True(File.Exists(Path.Combine(RepoDirectory.Root, source)) || Directory.Exists(Path.Combine(RepoDirectory.Root, source)), $"{file}: COPY {source} does not exist");
            }
        }

        Assert.True(File.Exists(Path.Combine(RepoDirectory.Root, project)));
        Assert.Equal(Path.GetFileNameWithoutExtension(project) + ".dll", dll);

        // Runs as the runtime image's unprivileged user, never root.
        var user = Assert.Single(dockerfile.All("USER", finalOnly: true));
        Assert.Equal("$APP_UID", user);

        var healthcheck = Assert.Single(dockerfile.All("HEALTHCHECK", finalOnly: true));
        var command = healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..];
        Assert.Equal(["dotnet", $"/app/{dll}", "probe", health], JsonSerializer.Deserialize<string[]>(command)!);
        var port = new Uri(health).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(port, dockerfile.All("EXPOSE", finalOnly: true).Single().Split(' '));

        var entrypoint = Assert.Single(dockerfile.All("ENTRYPOINT", finalOnly: true));
        Assert.Equal(["dotnet", dll], JsonSerializer.Deserialize<string[]>(entrypoint)!);
        var env = string.Join(' ', dockerfile.All("ENV", finalOnly: true));
        Assert.Contains("Logging__Console__FormatterName=json", env, StringComparison.Ordinal);
        Assert.Contains("Logging__Console__FormatterOptions__IncludeScopes=true", env, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerignore_KeepsBuildOutputAndNodeModulesOutOfTheContext()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepoDirectory.Root, ".dockerignore")).Select(l => l.Trim()).ToList();
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains("**/node_modules/", ignored);
    }

    /// <summary>The HEALTHCHECK's own command: exit 0 against a live /healthz, 1 when nothing answers.</summary>
    [Fact(Timeout = 60_000)]
    public async Task ProbeCommand_LiveAndDeadEndpoints_ExitZeroAndOne()
    {
        await using var processes = new LocalCluster(TestLogs.Directory(nameof(ProbeCommand_LiveAndDeadEndpoints_ExitZeroAndOne)));
        var gateway = processes.StartLocalGateway("gateway");
        await gateway.WaitReadyAsync();

        Assert.Equal(0, await ProbeAsync(RepoDirectory.GatewayDll, gateway.Http("/healthz")));
        Assert.Equal(1, await ProbeAsync(RepoDirectory.GatewayDll, gateway.Http("/no-such-path")));
        Assert.Equal(1, await ProbeAsync(RepoDirectory.SiloDll, new Uri($"http://127.0.0.1:{FreePort.Next()}/healthz")));
    }

    /// <summary>The image's layout: relay on one port, health and metrics only on the other (kept off the public ingress).</summary>
    [Fact(Timeout = 60_000)]
    public async Task OperationsPort_Set_HealthAndMetricsAnswerOnlyThere()
    {
        await using var processes = new LocalCluster(TestLogs.Directory(nameof(OperationsPort_Set_HealthAndMetricsAnswerOnlyThere)));
        var relayPort = FreePort.Next();
        var operationsPort = FreePort.Next();
        var relay = processes.StartLocalGateway("gateway",
            $"--Relay:Urls=http://127.0.0.1:{relayPort};http://127.0.0.1:{operationsPort}", $"--Relay:Operations:Port={operationsPort}");
        var operations = new ClusterNode(relay.Process, operationsPort, TimeSpan.FromSeconds(60));
        await operations.WaitReadyAsync();
        var onRelay = new ClusterNode(relay.Process, relayPort, TimeSpan.FromSeconds(60));

        Assert.Equal(System.Net.HttpStatusCode.OK, await operations.StatusAsync("/healthz"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await operations.StatusAsync("/metrics"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, await onRelay.StatusAsync("/healthz"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, await onRelay.StatusAsync("/readyz"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, await onRelay.StatusAsync("/metrics"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await onRelay.StatusAsync("/"));
    }

    private static async Task<int> ProbeAsync(string dll, Uri url)
    {
        await using var probe = await ChildProcess.RunAsync("dotnet", [dll, "probe", url.ToString()], Path.GetDirectoryName(dll)!, TimeSpan.FromSeconds(20));
        return probe.ExitCode;
    }
}
