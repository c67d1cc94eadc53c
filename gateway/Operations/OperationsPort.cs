namespace RapidTriage.Gateway.Operations;

/// <summary>
/// Keeps <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> to <c>Relay:Operations:Port</c>, judged by the port the
/// request's socket arrived on (<see cref="ConnectionInfo.LocalPort"/>). The <c>Host</c> header is the client's to
/// choose, so matching on it (<c>RequireHost</c>) let a client of the public port reach them with <c>Host: x:9090</c>.
/// </summary>
internal static class OperationsPort
{
    /// <summary>Endpoint metadata naming an operations endpoint.</summary>
    public static readonly object Marker = new OperationsEndpoint();

    public static IApplicationBuilder UseOperationsPort(this IApplicationBuilder app, int port) =>
        app.Use(async (context, next) =>
        {
            if (context.Connection.LocalPort != port && context.GetEndpoint()?.Metadata.GetMetadata<OperationsEndpoint>() is not null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });

    private sealed class OperationsEndpoint;
}
