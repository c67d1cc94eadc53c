namespace RapidTriage.Testing;

/// <summary>The repository's root folder (where RapidTriage.Orleans.sln is), found from the test binary.</summary>
public static class RepoDirectory
{
    public static string Root { get; } = Find();

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
