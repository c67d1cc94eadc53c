namespace RapidTriage.Cluster.Tests;

/// <summary>Where the repository, the built silo and gateway, and the npm tools are, seen from the test binary.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug: the configuration these tests were built in, and so the binaries they run.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string SiloDll => Binary("silo", "RapidTriage.Silo.dll");

    public static string GatewayDll => Binary("gateway", "RapidTriage.Gateway.dll");

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

    private static string FindRoot()
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
