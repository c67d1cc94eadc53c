using System.Net;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// <c>gateway mcp</c>: an MCP server on stdin/stdout whose tools are a relay's <c>/mcp</c> tools, listed and called
/// over HTTP as they are, for assistants that only start commands. Relay failures become tool errors.
/// </summary>
internal static class StdioProxy
{
    public static async Task<int> RunAsync(Uri endpoint, string? token, CancellationToken cancellationToken)
    {
        // No appsettings: the relay's own settings (its logging levels among them) do not apply to this proxy.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        // stdout carries the protocol: every log line goes to stderr, which MCP clients show as the server's log.
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // A relay that cannot be reached is reported in each tool result; the client's own stack traces add nothing.
        builder.Logging.AddFilter("ModelContextProtocol.Client", LogLevel.None);
        builder.Services.AddSingleton(sp => new RelayLink(endpoint, token, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services
            .AddMcpServer(server => server.ServerInfo = new Implementation { Name = "rapidtriage", Title = "RapidTriage relay (stdio)", Version = "1.0.0" })
            .WithStdioServerTransport()
            .WithListToolsHandler(async (request, ct) =>
            {
                var link = request.Services!.GetRequiredService<RelayLink>();
                try
                {
                    return await link.UseAsync((client, token) => client.ListToolsAsync(request.Params ?? new ListToolsRequestParams(), token), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not McpProtocolException)
                {
                    throw new McpProtocolException(Describe(link.Endpoint, ex), McpErrorCode.InternalError);
                }
            })
            .WithCallToolHandler(async (request, ct) =>
            {
                var link = request.Services!.GetRequiredService<RelayLink>();
                try
                {
                    return await link.UseAsync((client, token) => client.CallToolAsync(request.Params!, token), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not McpProtocolException)
                {
                    return new CallToolResult { Content = [new TextContentBlock { Text = Describe(link.Endpoint, ex) }], IsError = true };
                }
            });

        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return 0;
    }

    private static string Describe(Uri endpoint, Exception ex)
    {
        var http = Chain(ex).OfType<HttpRequestException>().FirstOrDefault();
        return http?.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"The relay at {endpoint} refused the token (401): pass a valid one with --token or RAPIDTRIAGE_TOKEN.",
            HttpStatusCode.Forbidden => $"The relay at {endpoint} refused this client (403): the token is for another session, or the relay accepts loopback clients only.",
            HttpStatusCode.TooManyRequests => $"The relay at {endpoint} is rate limiting this client (429): wait a moment and try again.",
            { } status => $"The relay at {endpoint} answered {(int)status} {status}.",
            null when http is not null => $"Cannot reach the relay at {endpoint}: {http.Message} Is it running?",
            _ => $"The relay at {endpoint} failed: {ex.Message}",
        };
    }

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
