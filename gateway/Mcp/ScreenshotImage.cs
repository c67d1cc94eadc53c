using System.Buffers.Binary;
using System.Text.Json;

namespace RapidTriage.Gateway.Mcp;

/// <summary>
/// The image in a <c>screenshot-response</c>: <c>data.base64</c> is a data URL (<c>data:image/png;base64,…</c>) or
/// bare base64 (then <c>data.format</c> names the type, PNG by default). Size and dimensions as the browser gave
/// them, else read from a PNG's header.
/// </summary>
internal sealed record ScreenshotImage(byte[] Bytes, string MimeType, int? Width, int? Height)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static ScreenshotImage? TryRead(JsonElement data, out string? error)
    {
        error = null;
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("base64", out var encoded) || encoded.ValueKind != JsonValueKind.String
            || encoded.GetString() is not { Length: > 0 } text)
        {
            error = "the browser's screenshot-response carried no image (data.base64 is missing)";
            return null;
        }

        var mime = data.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
            ? "image/" + format.GetString()!.ToLowerInvariant().Replace("jpg", "jpeg", StringComparison.Ordinal)
            : "image/png";
        var payload = text.AsSpan();
        if (payload.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = payload.IndexOf(',');
            var header = comma > 0 ? payload[5..comma] : default;
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                error = "the browser's screenshot is not a base64 data URL (data:image/png;base64,…)";
                return null;
            }

            mime = header[..^";base64".Length].ToString().ToLowerInvariant();
            payload = payload[(comma + 1)..];
        }

        if (!mime.StartsWith("image/", StringComparison.Ordinal))
        {
            error = $"the browser's screenshot is {mime}, not an image";
            return null;
        }

        var bytes = new byte[payload.Length * 3 / 4];
        if (!Convert.TryFromBase64Chars(payload, bytes, out var written) || written == 0)
        {
            error = "the browser's screenshot is not valid base64";
            return null;
        }

        Array.Resize(ref bytes, written);
        var (width, height) = Dimensions(data);
        if (width is null && bytes.Length >= 24 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature))
        {
            width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
            height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4));
        }

        return new ScreenshotImage(bytes, mime, width, height);
    }

    private static (int?, int?) Dimensions(JsonElement data) =>
        data.TryGetProperty("dimensions", out var dimensions) && dimensions.ValueKind == JsonValueKind.Object
        && dimensions.TryGetProperty("width", out var w) && w.ValueKind == JsonValueKind.Number && w.TryGetInt32(out var width)
        && dimensions.TryGetProperty("height", out var h) && h.ValueKind == JsonValueKind.Number && h.TryGetInt32(out var height)
            ? (width, height)
            : (null, null);
}
