using System.Globalization;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Clients.Tests;

/// <summary>
/// Debian's Chromium, headless, with a fresh profile, driven over the DevTools protocol. The page is read
/// by polling the DOM until a condition holds: <c>--dump-dom --virtual-time-budget</c> races the
/// WebSocket (virtual time does not wait for a handshake, so the dump may come before the first frame).
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private const string InstallHint = "Install Debian's chromium (tests/run-all.sh does: apt-get install chromium).";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _profile;
    private readonly DevToolsPage _page;

    private HeadlessChromium(ChildProcess process, DirectoryInfo profile, DevToolsPage page)
    {
        _process = process;
        _profile = profile;
        _page = page;
    }

    public IReadOnlyList<string> BrowserLog => _page.BrowserLog;

    public static async Task<HeadlessChromium> StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing. {InstallHint}");
        }

        var profile = Directory.CreateTempSubdirectory("rt-chromium-");
        ChildProcess? process = null;
        try
        {
            process = ChildProcess.Start(Executable,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", "--remote-debugging-port=0",
                "about:blank",
            ], profile.FullName, InstallHint);
            var port = await ReadDevToolsPortAsync(profile, process, cancellationToken);
            var debuggerUrl = await FindBlankPageAsync(port, process, cancellationToken);
            var page = await DevToolsPage.ConnectAsync(debuggerUrl, cancellationToken);
            await page.SendAsync("Log.enable", null, cancellationToken);
            return new HeadlessChromium(process, profile, page);
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            DeleteProfile(profile);
            throw;
        }
    }

    public Task NavigateAsync(Uri url, CancellationToken cancellationToken) =>
        _page.SendAsync("Page.navigate", new { url = url.AbsoluteUri }, cancellationToken);

    /// <summary>
    /// Polls the text of <c>#log</c> until <paramref name="done"/> accepts it (with the browser's log);
    /// when <paramref name="cancellationToken"/> fires first, throws with everything seen so far.
    /// </summary>
    public async Task<string> WaitForLogAsync(Func<string, IReadOnlyList<string>, bool> done, CancellationToken cancellationToken)
    {
        var text = "";
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The page's #log never reached the expected state.\n{Describe(text)}");
            }

            try
            {
                text = await _page.EvaluateAsync("document.getElementById('log')?.textContent ?? ''", cancellationToken) ?? "";
                if (done(text, _page.BrowserLog))
                {
                    return text;
                }
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            catch (InvalidOperationException) when (!_process.HasExited)
            {
                // Between navigations there is no execution context to evaluate in; poll again.
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The page's log, the browser's log and Chromium's output: the message of every failed assertion.</summary>
    public string Describe(string pageLog) =>
        $"--- #log ---\n{pageLog}--- browser log ---\n{string.Join('\n', _page.BrowserLog)}\n{_process.Describe()}";

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await _page.SendAsync("Browser.close", null, timeout.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
            {
                // Closing drops the DevTools connection, often before the answer: the kill below is the guarantee.
            }
        }

        await _page.DisposeAsync();
        await _process.DisposeAsync();
        DeleteProfile(_profile);
    }

    private static async Task<int> ReadDevToolsPortAsync(DirectoryInfo profile, ChildProcess process, CancellationToken cancellationToken)
    {
        // Chromium writes the port it chose for --remote-debugging-port=0 here: "<port>\n<browser path>".
        var file = Path.Combine(profile.FullName, "DevToolsActivePort");
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Chromium exited before it opened DevTools.\n{process.Describe()}");
            }

            if (File.Exists(file))
            {
                var lines = await File.ReadAllLinesAsync(file, cancellationToken);
                if (lines.Length >= 2 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    return port;
                }
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static async Task<Uri> FindBlankPageAsync(int port, ChildProcess process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        while (true)
        {
            var targets = JsonNode.Parse(await http.GetStringAsync(new Uri("json/list", UriKind.Relative), cancellationToken))!.AsArray();
            var page = targets.FirstOrDefault(t => t?["type"]?.GetValue<string>() == "page" && t["url"]?.GetValue<string>() == "about:blank");
            if (page?["webSocketDebuggerUrl"]?.GetValue<string>() is { } url)
            {
                return new Uri(url);
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"Chromium exited before it showed a page.\n{process.Describe()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static void DeleteProfile(DirectoryInfo profile)
    {
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A Chromium helper may still be writing its last file; the temp folder is cleaned by the OS.
        }
    }
}
