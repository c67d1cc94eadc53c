using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace RapidTriage.Gateway.Tests;

/// <summary>A generated capture frame and the credential values planted in it.</summary>
public sealed record CaptureFrame(string Json, IReadOnlyList<string> Secrets)
{
    public override string ToString() => Json;
}

/// <summary>
/// FsCheck generators of capture shapes (docs/protocol.md section 6) with credentials in random places: header maps,
/// header lists and entries, URLs (query, fragment, user info), JSON and form bodies, header blocks, cookie lists,
/// under random names of the default credential list and fragments in random case, nested in random containers
/// beside random plain fields. Secrets are <c>ZQX</c> and upper-case letters and digits; plain text is lower case,
/// so a secret can only appear in the output if the relay let it through.
/// </summary>
public static class CaptureGenerators
{
    private static readonly string[] ExactNames =
        ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-CSRF-Token", "X-Amz-Security-Token", "Ocp-Apim-Subscription-Key"];

    private static readonly string[] Fragments = ["token", "secret", "password", "passwd", "api-key", "api_key", "apikey", "credential", "signature"];

    private static readonly string[] Containers =
        ["headers", "requestHeaders", "responseHeaders", "request", "response", "params", "body", "postData", "text", "requestBody", "responseBody", "content", "entries", "x"];

    public static Arbitrary<CaptureFrame> Frames() => Arb.From(FrameGen);

    private static Gen<CaptureFrame> FrameGen =>
        from pieces in Gen.ListOf(Piece, 1).SelectMany(first => Gen.ListOf(Piece).Select(rest => first.Concat(rest).ToList()))
        from wrapped in Gen.CollectToArray(pieces, Wrap)
        from noise in Gen.ListOf(Noise(2))
        from order in Gen.Shuffle(wrapped.Select(w => w.Node).Concat(noise).ToArray())
        from type in Gen.Elements("network-request", "network-error", "console-log", "har-entry", "page-navigated")
        select Build(type, order, [.. wrapped.SelectMany(w => w.Secrets)]);

    private static CaptureFrame Build(string type, JsonNode[] members, string[] secrets)
    {
        var data = new JsonObject();
        var index = 0;
        foreach (var member in members)
        {
            data[$"m{index++}"] = member;
        }

        var frame = new JsonObject { ["type"] = type, ["id"] = "g", ["data"] = data };
        return new CaptureFrame(frame.ToJsonString(), secrets);
    }

    /// <summary>A credential-bearing piece nested in zero to three random containers.</summary>
    private static Gen<(JsonNode Node, string[] Secrets)> Wrap((JsonNode Node, string[] Secrets) piece) =>
        from depth in Gen.Choose(0, 3)
        from keys in Gen.ArrayOf(Gen.Elements(Containers), depth)
        from siblings in Gen.ArrayOf(Noise(1), depth)
        select (Nest(piece.Node, keys, siblings), piece.Secrets);

    private static JsonNode Nest(JsonNode node, string[] keys, JsonNode[] siblings)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            node = new JsonObject { ["plain" + i] = siblings[i], [keys[i]] = node };
        }

        return node;
    }

    private static Gen<(JsonNode Node, string[] Secrets)> Piece =>
        from name in Name
        from secret in Secret
        from other in Secret
        from plain in Plain
        from kind in Gen.Choose(0, 11)
        select Shape(kind, name, secret, other, plain);

    private static (JsonNode, string[]) Shape(int kind, string name, string secret, string other, string plain) => kind switch
    {
        0 => (new JsonObject { [name] = "Bearer " + secret, [plain] = plain }, [secret]),
        1 => (new JsonArray(new JsonObject { ["name"] = plain, ["value"] = plain }, new JsonObject { ["name"] = name, ["value"] = secret }), [secret]),
        2 => (new JsonArray(new JsonArray(name, secret), new JsonArray(plain, plain)), [secret]),
        3 => ($"https://{plain}:{secret}@{plain}.example/{plain}?{plain}={plain}&{Uri.EscapeDataString(name)}={other}#{plain}", [secret, other]),
        4 => ($"wss://{secret}@{plain}.example/s?{name}={other}", [secret, other]),
        5 => ($"https://{plain}.example/cb#{name}={secret}&state={plain}", [secret]),
        6 => (new JsonObject { [plain] = plain, ["nested"] = new JsonObject { [name] = secret } }.ToJsonString(), [secret]),
        7 => ($"{plain}={plain}&{Uri.EscapeDataString(name)}={secret}&{plain}2={plain}", [secret]),
        8 => ($"GET /{plain}?{name}={other} HTTP/1.1\r\nHost: {plain}\r\n{name}: {secret}\r\n\r\n", [secret, other]),
        9 => (new JsonObject { ["cookies"] = new JsonArray(new JsonObject { ["name"] = plain, ["value"] = secret }) }, [secret]),
        10 => (new JsonObject { [name] = new JsonArray(secret, new JsonObject { [plain] = other }) }, [secret, other]),
        _ => ($"{plain} failed: https://{plain}.example/?{name}={secret} {plain}", [secret]),
    };

    private static Gen<string> Name => Gen.OneOf(
        Gen.Elements(ExactNames),
        from prefix in Gen.Elements("", "x-", "my_", "client", "X-Refresh-", "access_")
        from fragment in Gen.Elements(Fragments)
        from suffix in Gen.Elements("", "-id", "Value", "_2", "s")
        select prefix + fragment + suffix)
        .SelectMany(RandomCase);

    private static Gen<string> RandomCase(string name) =>
        Gen.ArrayOf(Gen.Elements(true, false), name.Length)
            .Select(upper => new string([.. name.Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))]));

    private static Gen<string> Secret =>
        Gen.ArrayOf(Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".ToCharArray()), 12).Select(c => "ZQX" + new string(c));

    private static Gen<string> Plain =>
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray()), n)).Select(c => new string(c));

    /// <summary>Plain JSON: strings, numbers, booleans, null, small objects and arrays.</summary>
    private static Gen<JsonNode> Noise(int depth) =>
        depth <= 0
            ? Gen.OneOf(Plain.Select(s => (JsonNode)JsonValue.Create(s)), Gen.Choose(-1000, 1000).Select(n => (JsonNode)JsonValue.Create(n)), Gen.Elements(true, false).Select(b => (JsonNode)JsonValue.Create(b)))
            : Gen.OneOf(
                Noise(0),
                from items in Gen.ListOf(Noise(depth - 1), 2) select (JsonNode)new JsonArray([.. items]),
                from key in Plain from value in Noise(depth - 1) select (JsonNode)new JsonObject { [key] = value });
}
