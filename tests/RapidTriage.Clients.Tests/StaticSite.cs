using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using RapidTriage.Testing;

namespace RapidTriage.Clients.Tests;

/// <summary>Kestrel on a free loopback port serving one folder as static files, so a page has an http origin.</summary>
internal sealed class StaticSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticSite(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The <c>Origin</c> a browser sends for pages of this site: <c>http://127.0.0.1:port</c>.</summary>
    public string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

    public static async Task<StaticSite> StartAsync(string folder, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = folder });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder) });
        await app.StartAsync(cancellationToken);
        return new StaticSite(app, LoopbackApp.BaseUri(app));
    }

    public ValueTask DisposeAsync() => LoopbackApp.StopAsync(_app, TimeSpan.FromSeconds(5));
}
