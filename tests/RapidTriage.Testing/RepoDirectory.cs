namespace RapidTriage.Testing;

/// <summary>
/// The repository's root folder (where RapidTriage.Orleans.sln is), found from the test binary, and what tests
/// run from it: the built silo and gateway, the npm tools in tests/node_modules, the deploy scripts.
/// </summary>
public static class RepoDirectory
{
    public static string Root { get; } = Find();

    /// <summary>Release or Debug: the configuration these tests were built in, and so the binaries they run.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string SiloDll => Binary("silo", "RapidTriage.Silo.dll");

    public static string GatewayDll => Binary("gateway", "RapidTriage.Gateway.dll");

    /// <summary>The Azure Storage emulator from tests/package.json.</summary>
    public static string Azurite
    {
        get
        {
            var path = Path.Combine(Root, "tests", "node_modules", ".bin", "azurite");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"Azurite is not installed: run `npm ci` in tests/ (tests/run-all.sh does). Looked for {path}");
        }
    }

    public static string DeployLocal => Path.Combine(Root, "deploy", "local");

    private static string Binary(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution in {Configuration} first: {path} is missing.");
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RapidTriage.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("RapidTriage.Orleans.sln not found above the test binary.");
    }
}
