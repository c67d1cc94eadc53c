using System.Net;
using System.Text;
using RapidTriage.Testing;

namespace RapidTriage.Mcp.Tests;

/// <summary>Plain HTTP posts to <c>/mcp</c>, for what the MCP client hides: status codes, forged headers, big bodies.</summary>
internal static class McpHttp
{
    public const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""";

    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(
        RelayServer server, string? session = null, string body = Initialize, IEnumerable<(string Name, string Value)>? headers = null, string? host = null,
        bool chunked = false)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUri(session))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.TransferEncodingChunked = chunked;
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }
}
