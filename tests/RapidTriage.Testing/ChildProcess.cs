using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RapidTriage.Testing;

/// <summary>
/// A child process under test (a silo, a gateway, Azurite, a script, a client program) with its output captured
/// (and copied to a log file when asked): every wait has a deadline, it can be killed (SIGKILL) or stopped with a
/// signal on demand, and a process that outlives its test is killed with its whole tree. One still running when the
/// test process exits (a fixture that failed part-way through starting its cluster is never disposed) is killed then.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);
    private static readonly ConcurrentDictionary<ChildProcess, byte> Running = new();
    private readonly Process _process;
    private readonly string _commandLine;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StreamWriter? _log;
    private bool _logClosed;

    private ChildProcess(string name, Process process, string commandLine, StreamWriter? log)
    {
        Name = name;
        _process = process;
        _commandLine = commandLine;
        _log = log;
    }

    /// <summary>The name in failure messages: the log file's name, or the program's.</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; only once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public string StandardOutput => Read(_stdout);

    public string StandardError => Read(_stderr);

    /// <summary>Every line the process wrote so far, stdout and stderr interleaved as read.</summary>
    public IReadOnlyList<string> Output => [.. _lines];

    /// <summary>Starts the process with stdin closed and stdout/stderr captured.</summary>
    /// <param name="fileName">An absolute path, or a name looked up on <c>PATH</c>.</param>
    /// <param name="arguments">Passed as they are, no shell quoting.</param>
    /// <param name="workingDirectory">The child's current directory.</param>
    /// <param name="missingHint">What to install when <paramref name="fileName"/> cannot be started.</param>
    /// <param name="environment">Variables set (or, with a null value, removed) in the child's environment.</param>
    /// <param name="logFile">Where every line it writes is copied as well, for a look after a failure.</param>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, string workingDirectory, string missingHint = "",
        IReadOnlyDictionary<string, string?>? environment = null, string? logFile = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(variable);
            }
            else
            {
                info.Environment[variable] = value;
            }
        }

        StreamWriter? log = null;
        if (logFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
            log = new StreamWriter(logFile) { AutoFlush = true };
        }

        var process = new Process { StartInfo = info };
        var name = logFile is null ? Path.GetFileName(fileName) : Path.GetFileNameWithoutExtension(logFile);
        var child = new ChildProcess(name, process, fileName + " " + string.Join(' ', info.ArgumentList), log);
        process.OutputDataReceived += (_, e) => child.Record(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(child._stderr, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            log?.Dispose();
            throw new InvalidOperationException($"Cannot start '{fileName}' ({ex.Message}). {missingHint}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Running[child] = 0;
        return child;
    }

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var child in Running.Keys)
        {
            try
            {
                child.Kill();
            }
            catch (Win32Exception)
            {
                // Not ours to kill any more; the test process is exiting either way.
            }
        }
    };

    /// <summary>
    /// Runs a command to its end and returns it, exited, for its code and output; past <paramref name="timeout"/>
    /// kills it and throws.
    /// </summary>
    public static async Task<ChildProcess> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, string missingHint = "", CancellationToken cancellationToken = default)
    {
        var child = Start(fileName, arguments, workingDirectory, missingHint, environment);
        try
        {
            await child.WaitForExitAsync(timeout, cancellationToken);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }

        return child;
    }

    /// <summary>Waits for the exit and returns its code; past <paramref name="timeout"/> kills the tree and throws.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"The process did not exit within {timeout}; killed it.\n{Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// Waits until a line of its output (stdout or stderr) holds <paramref name="text"/>; throws with everything it
    /// wrote when it exits first or the time is up.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (!Printed(text))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited before writing \"{text}\".\n{Describe()}");
            }

            try
            {
                // Output arrives on the process's reader threads; a short poll is the simplest way to await it.
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not write \"{text}\" within {timeout}.\n{Describe()}");
            }
        }
    }

    /// <summary>Whether a line of its output so far holds <paramref name="text"/>.</summary>
    public bool Printed(string text) => _lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>SIGKILL with the whole tree: no shutdown code runs, like a machine that dies.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    /// <summary>
    /// SIGTERM (or <paramref name="signal"/>, e.g. <c>INT</c> as Ctrl+C sends), then waits for a graceful exit;
    /// kills it and throws if it does not exit in time.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout, string signal = "TERM")
    {
        if (_process.HasExited)
        {
            return;
        }

        await SignalAsync(signal);

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // The kernel's view before the kill: run state, thread count, and the signal masks (pending, blocked,
            // ignored, caught), which say whether the signal was delivered and a handler was installed.
            var state = ProcessState();
            Kill();
            throw new TimeoutException($"{Name} did not stop within {timeout} of SIG{signal}.\n{state}\n{Tail()}");
        }
    }

    private string ProcessState()
    {
        try
        {
            var fields = new[] { "State:", "Threads:", "SigQ:", "SigPnd:", "ShdPnd:", "SigBlk:", "SigIgn:", "SigCgt:" };
            var lines = File.ReadLines($"/proc/{_process.Id}/status").Where(line => fields.Any(field => line.StartsWith(field, StringComparison.Ordinal)));
            return "--- /proc status before the kill ---\n" + string.Join('\n', lines);
        }
        catch (IOException ex)
        {
            return $"--- no /proc status: {ex.Message} ---";
        }
    }

    /// <summary>Sends the process a signal by name (<c>STOP</c> pauses it, <c>CONT</c> resumes it).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>The last <paramref name="lines"/> lines it wrote, named: the message of a failed wait on a long-running process.</summary>
    public string Tail(int lines = 40) => $"--- last output of {Name} ---\n" + string.Join('\n', _lines.TakeLast(lines));

    /// <summary>The command line, exit state and everything it wrote: the message of every failed assertion.</summary>
    public string Describe()
    {
        var state = _process.HasExited ? $"exit code {_process.ExitCode}" : "still running";
        return $"$ {_commandLine}\n({state})\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}--- end ---";
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Running.TryRemove(this, out _);
        _process.Dispose();
        if (_log is not null)
        {
            lock (_log)
            {
                _logClosed = true;
                _log.Dispose();
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private void Record(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }

        _lines.Enqueue(line);
        if (_log is not null)
        {
            lock (_log)
            {
                if (!_logClosed)
                {
                    _log.WriteLine(line);
                }
            }
        }
    }

    private async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(KillWait);
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or Win32Exception)
        {
            // Already gone, or its output pipes are held by an orphan: nothing more a test can do.
        }
    }
}
