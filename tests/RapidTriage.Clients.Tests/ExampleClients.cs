namespace RapidTriage.Clients.Tests;

/// <summary>
/// A private copy of <c>shared/clients</c> (the protocol document's example clients), which is read-only
/// where tests run. <c>shared/</c> sits beside the repository root (the folder holding the solution).
/// </summary>
internal sealed class ExampleClients : IDisposable
{
    private const string SolutionFile = "RapidTriage.Orleans.sln";

    private ExampleClients(string root) => Root = root;

    public string Root { get; }

    public string NodeFolder => Path.Combine(Root, "node");

    public string PythonFolder => Path.Combine(Root, "python");

    public string BrowserFolder => Path.Combine(Root, "browser");

    public static ExampleClients Copy()
    {
        var source = Locate();
        var root = Directory.CreateTempSubdirectory("rt-clients-").FullName;
        CopyDirectory(source, root);
        return new ExampleClients(root);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child that is still shutting down may hold a file; the temp folder is cleaned by the OS.
        }
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                var clients = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "clients"));
                return Directory.Exists(clients)
                    ? clients
                    : throw new InvalidOperationException($"The example clients are missing: expected {clients} (shared/ beside the repository root {dir.FullName}).");
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}: cannot find the repository root.");
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var copy = Path.Combine(target, Path.GetFileName(file));
            File.Copy(file, copy);
            if (!OperatingSystem.IsWindows())
            {
                // The source is read-only; a copy that tools and clean-up can write is the point of copying.
                File.SetUnixFileMode(copy, File.GetUnixFileMode(copy) | UnixFileMode.UserWrite);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(dir, Path.Combine(target, Path.GetFileName(dir)));
        }
    }
}
