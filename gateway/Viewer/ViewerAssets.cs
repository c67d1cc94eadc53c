using System.Collections.Frozen;
using System.Security.Cryptography;

namespace RapidTriage.Gateway.Viewer;

/// <summary>The page's files, embedded in the gateway assembly (no CDN, nothing to build), read once.</summary>
internal sealed class ViewerAssets
{
    private const string Prefix = "viewer/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, Asset> _assets;

    public ViewerAssets()
    {
        var assembly = typeof(ViewerAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var file = name[Prefix.Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            assets[file] = new Asset(bytes, type, $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\"");
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGet(string file, out Asset asset) => _assets.TryGetValue(file, out asset!);

    /// <summary>One embedded file: its bytes, content type and a content hash for <c>ETag</c>.</summary>
    internal sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
