using ModelContextProtocol.Client;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// The stdio proxy's MCP client of a relay's <c>/mcp</c>. Connected on first use and again after a failure, so
/// the proxy starts before the relay does and survives a relay restart (the endpoint keeps no session).
/// </summary>
internal sealed class RelayLink(Uri endpoint, string? token, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private McpClient? _client;

    public Uri Endpoint => endpoint;

    public async Task<T> UseAsync<T>(Func<McpClient, CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(cancellationToken);
        try
        {
            return await call(client, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ForgetAsync(client);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            await client.DisposeAsync();
        }

        _gate.Dispose();
    }

    private async Task<McpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_client is { } existing)
            {
                return existing;
            }

            var options = new HttpClientTransportOptions
            {
                Endpoint = endpoint,
                Name = "rapidtriage-relay",
                TransportMode = HttpTransportMode.StreamableHttp,
                ConnectionTimeout = TimeSpan.FromSeconds(10),
            };
            if (!string.IsNullOrEmpty(token))
            {
                options.AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token };
            }

            _client = await McpClient.CreateAsync(new HttpClientTransport(options, loggers), loggerFactory: loggers, cancellationToken: cancellationToken);
            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ForgetAsync(McpClient client)
    {
        await _gate.WaitAsync();
        try
        {
            if (ReferenceEquals(_client, client))
            {
                _client = null;
            }
        }
        finally
        {
            _gate.Release();
        }

        await client.DisposeAsync();
    }
}
