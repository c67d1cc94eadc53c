using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Auth;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Hosting;

/// <summary>
/// In local mode, once the relay listens, prints what a person needs next: the WebSocket URLs on the address
/// actually bound, the session viewer, the HTTP API, health and metrics, and a token (an <c>export TOKEN=</c>
/// line) when the key was made for this run, else the command that mints one.
/// </summary>
/// <remarks>Written to stdout (<see cref="StartupBannerOutput"/>), not the log pipeline, so no log sink ever holds a token.</remarks>
internal sealed class StartupBanner(
    TokenService tokens,
    IOptions<RelayOptions> options,
    IServer server,
    IHostApplicationLifetime lifetime,
    StartupBannerOutput output) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode == RelayMode.Local)
        {
            // Kestrel binds after the hosted services start; the real port (0 asks for any) is known only then.
            lifetime.ApplicationStarted.Register(() => output.Writer.Write(Compose()));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string Compose()
    {
        var relay = options.Value;
        var session = relay.DefaultSessionId;
        var http = BoundAddress();
        var ws = "ws" + http["http".Length..];
        var ops = relay.Operations.Port is { } port ? $"{new Uri(http).Scheme}://127.0.0.1:{port}" : http;
        var nl = Environment.NewLine;
        var token = tokens.IsGeneratedKey ? tokens.Mint(session, relay.Auth.DevelopmentTokenLifetime, "development") : null;
        var text = new System.Text.StringBuilder()
            .Append(nl)
            .Append($"RapidTriage relay (local mode) on {http}{nl}")
            .Append($"  extension   {ws}/extension-ws            no token, loopback clients only{nl}")
            .Append($"  AI client   {ws}/mcp-ws                  no token, loopback clients only{nl}")
            .Append($"  tunnel      {ws}/tunnel/{session}?access_token=$TOKEN{nl}")
            .Append($"  viewer      {http}/sessions/{session}{nl}")
            .Append($"              {Viewer.ViewerLink.For(new Uri(http), session, token ?? "$TOKEN")}{nl}")
            .Append($"  HTTP API    curl -H \"Authorization: Bearer $TOKEN\" {http}/api/sessions/{session}{nl}")
            .Append($"  health      {ops}/healthz   {ops}/readyz{nl}")
            .Append($"  metrics     {ops}/metrics{nl}");
        if (token is not null)
        {
            text.Append($"Development token for session '{session}' (valid {relay.Auth.DevelopmentTokenLifetime}):{nl}")
                .Append($"  export TOKEN={token}{nl}")
                .Append($"No Relay:Auth:SigningKey set: the signing key is made anew for each run, so this token is good only while this process runs, and a{nl}")
                .Append($"token minted with `token --key K` is accepted only by a relay started with Relay__Auth__SigningKey=K.{nl}");
        }
        else
        {
            text.Append($"Tokens are signed with the configured Relay:Auth:SigningKey; mint one for session '{session}' with:{nl}")
                .Append($"  export TOKEN=$(dotnet run --project gateway -- token --session {session} --key \"$Relay__Auth__SigningKey\"){nl}");
        }

        return text.Append(nl).ToString();
    }

    /// <summary>The first address Kestrel bound that is not the operations port, a wildcard or <c>localhost</c> shown as 127.0.0.1.</summary>
    private string BoundAddress()
    {
        var operationsPort = options.Value.Operations.Port;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var bound = addresses.FirstOrDefault(a => operationsPort is null || !a.EndsWith($":{operationsPort}", StringComparison.Ordinal))
            ?? addresses.FirstOrDefault() ?? options.Value.Urls;
        var uri = new Uri(bound.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        var host = uri.Host is "localhost" or "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return $"{uri.Scheme}://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{uri.Port}";
    }
}

/// <summary>Where <see cref="StartupBanner"/> writes: stdout, or a writer a test registers.</summary>
internal sealed record StartupBannerOutput(TextWriter Writer);
