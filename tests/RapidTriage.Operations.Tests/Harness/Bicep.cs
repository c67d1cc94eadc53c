using System.Reflection;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests.Harness;

/// <summary>The Bicep compiler from the NuGet package this project restores (Azure.Bicep.CommandLine.linux-x64).</summary>
internal static class Bicep
{
    public static string Executable
    {
        get
        {
            var package = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value!;
            var path = Path.Combine(package, "tools", "bicep");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The Bicep compiler is missing: restore this project ({path}).");
            }

            // The package is the linux-x64 compiler; make sure its executable bit survived extraction.
            if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
            }

            return path;
        }
    }

    /// <summary><c>bicep build FILE --stdout</c>: the ARM template, and what the compiler said on stderr.</summary>
    public static async Task<(JsonObject Template, string Diagnostics)> BuildAsync(string file)
    {
        // The compiler is a .NET program: no ICU needed, no telemetry wanted, no update check over a network we lack.
        await using var bicep = await ChildProcess.RunAsync(Executable, ["build", file, "--stdout"], Path.GetDirectoryName(file)!, TimeSpan.FromSeconds(60),
            new Dictionary<string, string?> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1", ["BICEP_TELEMETRY_ENABLED"] = "false" });
        var diagnostics = bicep.StandardError;
        Assert.True(bicep.ExitCode == 0, $"bicep build {file} failed ({bicep.ExitCode}):\n{diagnostics}");
        return (JsonNode.Parse(bicep.StandardOutput)!.AsObject(), diagnostics);
    }
}
