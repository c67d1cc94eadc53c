using RapidTriage.Testing;

namespace RapidTriage.Viewer.Tests;

/// <summary>
/// Where the docs artefacts (viewer figures, the README screenshot) go: into the repository's docs/ when
/// <c>RAPIDTRIAGE_WRITE_DOCS=1</c> (tests/viewer-docs.sh sets it), else beside the test binary, so an ordinary
/// test run never rewrites tracked files.
/// </summary>
internal static class DocsOutput
{
    public static bool IntoRepository => Environment.GetEnvironmentVariable("RAPIDTRIAGE_WRITE_DOCS") == "1";

    public static string PathFor(string relative)
    {
        var root = IntoRepository ? RepoDirectory.Root : Path.Combine(AppContext.BaseDirectory, "docs-output");
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
