using System.Globalization;

namespace RapidTriage.Testing;

/// <summary>
/// Folders for the logs of the processes a test run starts, kept for a look after a failure:
/// <c>$TMPDIR/rapidtriage-tests/{time}-{pid}/{name}</c>. Runs older than a day are removed.
/// </summary>
public static class TestLogs
{
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "rapidtriage-tests");
    private static readonly Lazy<string> Run = new(CreateRun);

    /// <summary>A new folder of this run for <paramref name="name"/> (a test class, a test).</summary>
    public static string Directory(string name) => System.IO.Directory.CreateDirectory(Path.Combine(Run.Value, name)).FullName;

    private static string CreateRun()
    {
        RemoveOldRuns();
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return System.IO.Directory.CreateDirectory(Path.Combine(Parent, $"{stamp}-{Environment.ProcessId}")).FullName;
    }

    private static void RemoveOldRuns()
    {
        if (!System.IO.Directory.Exists(Parent))
        {
            return;
        }

        foreach (var dir in new DirectoryInfo(Parent).GetDirectories().Where(d => d.CreationTimeUtc < DateTime.UtcNow.AddDays(-1)))
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another run still writes there, or left a file it cannot remove: the next run tries again.
            }
        }
    }
}
