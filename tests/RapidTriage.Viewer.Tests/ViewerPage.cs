using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace RapidTriage.Viewer.Tests;

/// <summary>One browser page on the viewer, recording the console errors and uncaught exceptions it produced.</summary>
public sealed class ViewerPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _problems = new();

    public ViewerPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                _problems.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _problems.Enqueue($"page error: {error}");
    }

    public IPage Page { get; }

    /// <summary>Console errors and warnings (CSP violations included) and uncaught exceptions, in order.</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    public ILocator Status => Page.Locator("#status");

    public ILocator Rows => Page.Locator("#list-rows .row");

    public ILocator Notices => Page.Locator("#notices .notice");

    public async Task<IResponse?> OpenAsync(Uri relay, string sessionId, string? token)
    {
        var url = new Uri(relay, $"sessions/{sessionId}{(token is null ? "" : "#token=" + token)}");
        return await Page.GotoAsync(url.ToString());
    }

    public Task WaitLiveAsync() => Assertions.Expect(Status).ToHaveTextAsync("Live", new() { Timeout = 15_000 });

    public Task WaitCountAsync(string tab, int count, float timeout = 15_000) =>
        Assertions.Expect(Page.Locator($"#count-{tab}")).ToHaveTextAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = timeout });

    /// <summary>Fails with every recorded problem listed.</summary>
    public void AssertNoProblems() => Assert.True(Problems.Count == 0, string.Join('\n', Problems));

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
