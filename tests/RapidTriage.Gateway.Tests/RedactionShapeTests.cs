using System.Text;
using System.Text.Json.Nodes;
using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 6, one shape at a time, through the parser's single stamping pass: each <c>data</c> in, the
/// exact <c>data</c> every member receives out.
/// </summary>
public sealed class RedactionShapeTests
{
    private readonly EnvelopeParser _parser = ParserFactory.Create();

    [Theory]
    [InlineData("""{"headers":{"Cookie":"a","Accept":"b"}}""", """{"headers":{"Cookie":"[REDACTED]","Accept":"b"}}""")]
    [InlineData("""{"headers":[{"name":"authorization","value":"a"},{"name":"Accept","value":"b"}]}""",
        """{"headers":[{"name":"authorization","value":"[REDACTED]"},{"name":"Accept","value":"b"}]}""")]
    [InlineData("""{"request":{"headers":{"X-Api-Key":"k"}},"response":{"headers":{"Set-Cookie":["x","y"]}}}""",
        """{"request":{"headers":{"X-Api-Key":"[REDACTED]"}},"response":{"headers":{"Set-Cookie":["[REDACTED]","[REDACTED]"]}}}""")]
    [InlineData("""{"requestHeaders":[{"name":"X-My-Token","value":"t"}],"responseHeaders":{"x-client-secret":"s","etag":"e"}}""",
        """{"requestHeaders":[{"name":"X-My-Token","value":"[REDACTED]"}],"responseHeaders":{"x-client-secret":"[REDACTED]","etag":"e"}}""")]
    [InlineData("""{"headers":[["Authorization","a"],["Accept","b"]]}""", """{"headers":[["Authorization","[REDACTED]"],["Accept","b"]]}""")]
    [InlineData("""{"log":["see https://h/?token=t","kept"]}""", """{"log":["see https://h/?token=[REDACTED]","kept"]}""")]
    [InlineData("""{"headersText":"GET /?token=t HTTP/1.1\r\nCookie: c\r\nHost: h\r\n\r\n"}""",
        """{"headersText":"GET /?token=[REDACTED] HTTP/1.1\r\nCookie: [REDACTED]\r\nHost: h\r\n\r\n"}""")]
    public void Headers_EveryShape_OnlyCredentialValuesMasked(string data, string expected) => AssertRedacted(data, expected);

    [Theory]
    [InlineData("""{"url":"https://h/p?access_token=a&page=2#x"}""", """{"url":"https://h/p?access_token=[REDACTED]&page=2#x"}""")]
    [InlineData("""{"url":"https://u:pw@h/p"}""", """{"url":"https://u:[REDACTED]@h/p"}""")]
    [InlineData("""{"url":"https://ghp_abc@h/p"}""", """{"url":"https://[REDACTED]@h/p"}""")]
    [InlineData("""{"documentURL":"HTTPS://h/cb#access_token=a&state=s"}""", """{"documentURL":"HTTPS://h/cb#access_token=[REDACTED]&state=s"}""")]
    [InlineData("""{"request":{"url":"wss://h/s?API_KEY=k"}}""", """{"request":{"url":"wss://h/s?API_KEY=[REDACTED]"}}""")]
    [InlineData("""{"url":"https://h/?next=https://u:pw@i/?password=p"}""", """{"url":"https://h/?next=https://u:[REDACTED]@i/?password=[REDACTED]"}""")]
    [InlineData("""{"url":"https://h/?%74oken=a"}""", """{"url":"https://h/?%74oken=[REDACTED]"}""")]
    [InlineData("""{"message":"GET https://h/?apikey=k failed"}""", """{"message":"GET https://h/?apikey=[REDACTED] failed"}""")]
    [InlineData("""{"url":"https://h/users/@me?q=1"}""", """{"url":"https://h/users/@me?q=1"}""")]
    [InlineData("""{"a":"https://","b":"http://@","c":"https://?token=t","d":"wss:///?=x&token","e":"https://:@h"}""",
        """{"a":"https://","b":"http://[REDACTED]@","c":"https://?token=[REDACTED]","d":"wss:///?=x&token","e":"https://:[REDACTED]@h"}""")]
    public void Urls_CredentialParametersAndUserInfo_Masked(string data, string expected) => AssertRedacted(data, expected);

    [Theory]
    [InlineData("""{"requestBody":"{\"user\":\"u\",\"password\":\"p\"}"}""", """{"requestBody":"{\"user\":\"u\",\"password\":\"[REDACTED]\"}"}""")]
    [InlineData("""{"responseBody":"[{\"a\":{\"refresh_token\":\"r\"}}]"}""", """{"responseBody":"[{\"a\":{\"refresh_token\":\"[REDACTED]\"}}]"}""")]
    [InlineData("""{"postData":{"text":"a=1&password=p&b=2"}}""", """{"postData":{"text":"a=1&password=[REDACTED]&b=2"}}""")]
    [InlineData("""{"request":{"postData":"client_secret=s"}}""", """{"request":{"postData":"client_secret=[REDACTED]"}}""")]
    [InlineData("""{"body":{"request":"{\"apiKey\":1234}","response":"ok"}}""", """{"body":{"request":"{\"apiKey\":\"[REDACTED]\"}","response":"ok"}}""")]
    [InlineData("""{"requestBody":{"token":"t","flag":true,"n":null}}""", """{"requestBody":{"token":"[REDACTED]","flag":true,"n":null}}""")]
    [InlineData("""{"requestBody":"{not json, password: x"}""", """{"requestBody":"{not json, password: x"}""")]
    [InlineData("""{"b":"{\"e\":\"{\\\"secret\\\":\\\"s\\\"}\"}"}""", """{"b":"{\"e\":\"{\\\"secret\\\":\\\"[REDACTED]\\\"}\"}"}""")]
    public void Bodies_JsonAndForm_MatchingFieldsMasked(string data, string expected) => AssertRedacted(data, expected);

    [Theory]
    [InlineData("""{"message":"hello","level":"info","n":[1,2,{"a":"b"}]}""")]
    [InlineData("""{"url":"https://h/p?q=1&page=2","headers":{"Accept":"*/*"}}""")]
    [InlineData("\"just a string\"")]
    [InlineData("[1,\"two\",null]")]
    public void Data_WithNothingToRedact_ArrivesByteForByte(string data) => AssertRedacted(data, data, exactBytes: true);

    [Fact]
    public void Names_EscapedInJson_StillRecognised() =>
        AssertRedacted("""{"headers":{"\u0041uthorization":"a"},"\u0070assword":"p"}""", """{"headers":{"Authorization":"[REDACTED]"},"password":"[REDACTED]"}""");

    [Fact]
    public void Names_NonAsciiLookAlike_NotTreatedAsCredential() =>
        AssertRedacted("""{"pa\u017F\u017Fword":"p"}""", """{"paſſword":"p"}""");

    [Fact]
    public void Options_ConfiguredNamesAndFragments_Used()
    {
        var relay = new RelayOptions();
        relay.Redaction.Headers = ["X-Tenant"];
        relay.Redaction.NameFragments = ["pin"];
        var parser = ParserFactory.Create(relay);
        var redacted = Redact(parser, """{"headers":{"x-tenant":"t","Cookie":"c"},"url":"https://h/?PIN=1","body":"spin=2&x=3"}""");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"headers":{"x-tenant":"[REDACTED]","Cookie":"c"},"url":"https://h/?PIN=[REDACTED]","body":"spin=[REDACTED]&x=3"}"""), redacted), redacted?.ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tökén")]
    public void Options_EmptyOrNonAsciiName_RefusedWithClearMessage(string name)
    {
        var relay = new RelayOptions();
        relay.Redaction.NameFragments = [name];
        var error = Assert.Throws<InvalidOperationException>(() => ParserFactory.Create(relay));
        Assert.Contains("Relay:Redaction:NameFragments", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redaction_Disabled_LeavesCredentials()
    {
        var relay = new RelayOptions();
        relay.Redaction.Enabled = false;
        AssertRedacted("""{"headers":{"Cookie":"c"},"url":"https://h/?token=t"}""", """{"headers":{"Cookie":"c"},"url":"https://h/?token=t"}""", parser: ParserFactory.Create(relay));
    }

    private void AssertRedacted(string data, string expected, bool exactBytes = false, EnvelopeParser? parser = null)
    {
        var redacted = Redact(parser ?? _parser, data);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), redacted), redacted?.ToJsonString());
        if (exactBytes)
        {
            var frame = Frame(data);
            Assert.True((parser ?? _parser).TryParse(Encoding.UTF8.GetBytes(frame), new("s", "c", "extension"), out var parsed, out _));
            // The fast path: data copied as the relay always copied it (JsonElement.WriteTo), nothing rewritten.
            using var document = System.Text.Json.JsonDocument.Parse(data);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                document.RootElement.WriteTo(writer);
            }

            Assert.Contains(",\"data\":" + Encoding.UTF8.GetString(buffer.WrittenSpan) + ",", Encoding.UTF8.GetString(parsed.Payload!), StringComparison.Ordinal);
        }
    }

    private static JsonNode? Redact(EnvelopeParser parser, string data)
    {
        Assert.True(parser.TryParse(Encoding.UTF8.GetBytes(Frame(data)), new("s", "c", "extension"), out var parsed, out var error), error.Message);
        return JsonNode.Parse(parsed.Payload)!["data"];
    }

    private static string Frame(string data) => $$"""{"type":"network-request","id":"x","data":{{data}},"timestamp":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}""";
}
