namespace RapidTriage.Gateway.Mcp;

/// <summary><c>/mcp</c>: the gateway as an MCP server, Streamable HTTP, stateless (docs/protocol.md section 9).</summary>
internal static class McpEndpoint
{
    public const string Path = "/mcp";

    public static IEndpointRouteBuilder MapRelayMcp(this IEndpointRouteBuilder app)
    {
        var admission = app.ServiceProvider.GetRequiredService<McpAdmission>();

        // The MCP handler's endpoints take a RequestDelegate; each is wrapped so nothing reaches it unadmitted.
        app.MapMcp(Path).Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate;
            if (inner is null)
            {
                return;
            }

            endpoint.RequestDelegate = context => admission.ServeAsync(context, inner);
        });
        return app;
    }
}
