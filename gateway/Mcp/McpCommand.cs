using System.CommandLine;
using RapidTriage.Gateway.Handshake;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// <c>dotnet run --project gateway -- mcp --url URL [--session ID] [--token T]</c>: the relay's MCP tools as a stdio
/// server (<see cref="StdioProxy"/>). The token may come from <c>RAPIDTRIAGE_TOKEN</c>, keeping it off the command line.
/// </summary>
internal static class McpCommand
{
    public const string TokenVariable = "RAPIDTRIAGE_TOKEN";

    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Option<string>("--url") { Description = "The relay: http://127.0.0.1:3025 locally, https://<relay> hosted (/mcp is added).", Required = true };
        var session = new Option<string?>("--session") { Description = "The session to read; default: the relay's default session, or the token's." };
        var token = new Option<string?>("--token") { Description = $"Bearer token for a hosted relay; default: the {TokenVariable} environment variable." };
        var mcp = new Command("mcp", "Serve the relay's MCP tools over stdio.") { url, session, token };
        mcp.SetAction(async (result, cancellationToken) =>
        {
            var sessionId = result.GetValue(session);
            if (sessionId is not null && !SessionIds.IsValid(sessionId))
            {
                await Console.Error.WriteLineAsync($"Bad session id: {SessionIds.Rule}.");
                return 2;
            }

            if (Endpoint(result.GetValue(url)!, sessionId) is not { } endpoint)
            {
                await Console.Error.WriteLineAsync("--url must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:3025.");
                return 2;
            }

            var bearer = result.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            return await StdioProxy.RunAsync(endpoint, string.IsNullOrWhiteSpace(bearer) ? null : bearer.Trim(), cancellationToken);
        });

        var root = new RootCommand("RapidTriage relay tools.") { mcp };
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>The relay's <c>/mcp</c> URL, with <c>?sessionId=</c> when one is given.</summary>
    internal static Uri? Endpoint(string relay, string? sessionId)
    {
        if (!Uri.TryCreate(relay, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var builder = new UriBuilder(uri);
        if (!builder.Path.TrimEnd('/').EndsWith(McpEndpoint.Path, StringComparison.OrdinalIgnoreCase))
        {
            builder.Path = builder.Path.TrimEnd('/') + McpEndpoint.Path;
        }

        if (sessionId is not null)
        {
            builder.Query = "sessionId=" + Uri.EscapeDataString(sessionId);
        }

        return builder.Uri;
    }
}
