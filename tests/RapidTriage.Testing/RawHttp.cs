using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace RapidTriage.Testing;

/// <summary>
/// Handshakes over a raw TCP socket, for what <c>ClientWebSocket</c> hides or will not send: the refusal body,
/// a forged <c>Host</c> header, a plain GET on a WebSocket path.
/// </summary>
public static class RawHttp
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends a WebSocket upgrade request (or, with <paramref name="upgrade"/> false, a plain GET) and reads the answer.
    /// The upgrade carries <paramref name="webSocketKey"/> as its <c>Sec-WebSocket-Key</c>, else a fresh valid one.
    /// </summary>
    public static async Task<HttpReply> GetAsync(
        Uri baseUri, string pathAndQuery, IEnumerable<(string Name, string Value)>? headers = null, bool upgrade = true, string? host = null,
        string? webSocketKey = null)
    {
        using var timeout = new CancellationTokenSource(Wait);
        using var client = new TcpClient();
        await client.ConnectAsync(baseUri.Host, baseUri.Port, timeout.Token);
        var stream = client.GetStream();

        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"GET {pathAndQuery} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {host ?? baseUri.Authority}\r\n");
        if (upgrade)
        {
            request.Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                .Append(CultureInfo.InvariantCulture, $"Sec-WebSocket-Key: {webSocketKey ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\n");
        }
        else
        {
            request.Append("Connection: close\r\n");
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), timeout.Token);

        var reader = new ResponseReader(stream, timeout.Token);
        var statusLine = await reader.ReadLineAsync();
        var status = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
        var responseHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.ReadLineAsync(); line.Length > 0; line = await reader.ReadLineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            responseHeaders[name] = responseHeaders.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        string body;
        if (status == 101)
        {
            body = "";
        }
        else if (responseHeaders.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new MemoryStream();
            while (true)
            {
                var size = int.Parse((await reader.ReadLineAsync()).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    break;
                }

                decoded.Write(await reader.ReadBytesAsync(size));
                await reader.ReadLineAsync();
            }

            body = Encoding.UTF8.GetString(decoded.ToArray());
        }
        else if (responseHeaders.TryGetValue("Content-Length", out var length))
        {
            body = Encoding.UTF8.GetString(await reader.ReadBytesAsync(int.Parse(length, CultureInfo.InvariantCulture)));
        }
        else
        {
            body = Encoding.UTF8.GetString(await reader.ReadToEndAsync());
        }

        return new HttpReply(status, responseHeaders, body);
    }

    private sealed class ResponseReader(NetworkStream stream, CancellationToken cancellationToken)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<string> ReadLineAsync()
        {
            var line = new MemoryStream();
            while (true)
            {
                if (_start == _end && !await FillAsync())
                {
                    throw new EndOfStreamException("Connection closed inside the response head.");
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    var bytes = line.ToArray();
                    return Encoding.ASCII.GetString(bytes, 0, bytes.Length > 0 && bytes[^1] == '\r' ? bytes.Length - 1 : bytes.Length);
                }

                line.WriteByte(b);
            }
        }

        public async Task<byte[]> ReadBytesAsync(int count)
        {
            var result = new byte[count];
            var at = 0;
            while (at < count)
            {
                if (_start == _end && !await FillAsync())
                {
                    throw new EndOfStreamException("Connection closed inside the body.");
                }

                var take = Math.Min(count - at, _end - _start);
                Array.Copy(_buffer, _start, result, at, take);
                _start += take;
                at += take;
            }

            return result;
        }

        public async Task<byte[]> ReadToEndAsync()
        {
            var all = new MemoryStream();
            do
            {
                all.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
            while (await FillAsync());
            return all.ToArray();
        }

        private async Task<bool> FillAsync()
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            return _end > 0;
        }
    }
}
