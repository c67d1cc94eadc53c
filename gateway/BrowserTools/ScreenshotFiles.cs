using System.Globalization;
using Microsoft.Extensions.Options;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// Saves screenshots as browser-tools-server 1.2.0 names them (<c>screenshot-&lt;ISO time&gt;.png</c>), but only in
/// <c>Relay:BrowserTools:ScreenshotFolder</c>: a path a client sends is never used.
/// </summary>
internal sealed class ScreenshotFiles(IOptions<BrowserToolsOptions> options, TimeProvider clock)
{
    private const string DataUrlPrefix = "data:";
    private const string Base64Marker = ";base64,";

    /// <summary>The image bytes of a PNG data URL (or of bare base64), or why it is not one.</summary>
    public static (byte[]? Bytes, string? Error) Decode(string image)
    {
        var base64 = image;
        if (image.StartsWith(DataUrlPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var marker = image.IndexOf(Base64Marker, StringComparison.OrdinalIgnoreCase);
            if (marker < 0)
            {
                return (null, "The screenshot is a data URL without base64 data.");
            }

            var mediaType = image[DataUrlPrefix.Length..marker];
            if (!mediaType.Equals("image/png", StringComparison.OrdinalIgnoreCase))
            {
                return (null, $"The screenshot must be a PNG (got {mediaType}).");
            }

            base64 = image[(marker + Base64Marker.Length)..];
        }

        try
        {
            var bytes = Convert.FromBase64String(base64);
            return bytes.Length == 0 ? (null, "The screenshot is empty.") : (bytes, null);
        }
        catch (FormatException)
        {
            return (null, "The screenshot data is not valid base64.");
        }
    }

    /// <summary>Writes <paramref name="png"/> to a new file in the screenshot folder; returns its name and full path.</summary>
    public async Task<(string Filename, string Path)> SaveAsync(byte[] png, CancellationToken cancellationToken)
    {
        var folder = options.Value.EffectiveScreenshotFolder;
        Directory.CreateDirectory(folder);
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture);
        for (var attempt = 0; ; attempt++)
        {
            var filename = attempt == 0 ? $"screenshot-{stamp}.png" : $"screenshot-{stamp}-{attempt}.png";
            var path = System.IO.Path.Combine(folder, filename);
            try
            {
                // CreateNew: two captures in the same millisecond never overwrite each other.
                await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await file.WriteAsync(png, cancellationToken);
                return (filename, path);
            }
            catch (IOException) when (File.Exists(path) && attempt < 100)
            {
            }
        }
    }
}
