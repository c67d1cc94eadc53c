using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

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
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(file)!,
        };
        foreach (var argument in new[] { "build", file, "--stdout" })
        {
            info.ArgumentList.Add(argument);
        }

        // The compiler is a .NET program: no ICU needed, no telemetry wanted, no update check over a network we lack.
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        info.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var diagnostics = await stderr;
        Assert.True(process.ExitCode == 0, $"bicep build {file} failed ({process.ExitCode}):\n{diagnostics}");
        return (JsonNode.Parse(await stdout)!.AsObject(), diagnostics);
    }
}
