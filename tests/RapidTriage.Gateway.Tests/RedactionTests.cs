using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>docs/protocol.md section 6: credential headers are masked before an event is forwarded or stored.</summary>
[Collection(RelayCollection.Name)]
public sealed class RedactionTests(RelayFixture fixture)
{
    internal const string NetworkRequest = """
        {"type":"network-request","id":"net-1","data":{
          "url":"https://api.example.com/users?token=visible-in-url","method":"GET","status":200,"duration":145,
          "headers":{
            "request":{"Authorization":"Bearer abc.def","cookie":"sid=42","X-API-KEY":"k-123","proxy-authorization":"Basic eDp5",
                       "Content-Type":"application/json","Accept":"*/*","X-Request-Id":"r-1"},
            "response":{"SET-COOKIE":["a=1","b=2"],"Content-Type":"application/json","Cache-Control":"max-age=300"}},
          "body":{"request":"Authorization: Bearer not-a-header","response":"{\"cookie\":\"in body\"}"}}}
        """;

    /// <summary>
    /// <see cref="NetworkRequest"/> as every member sees it: header values, the URL's <c>token</c> parameter and the
    /// JSON body's <c>cookie</c> field and the body's <c>Authorization:</c> line masked; each element of the <c>Set-Cookie</c> array masked in place; plain text kept.
    /// </summary>
    internal const string Redacted = """
        {"url":"https://api.example.com/users?token=[REDACTED]","method":"GET","status":200,"duration":145,
          "headers":{
            "request":{"Authorization":"[REDACTED]","cookie":"[REDACTED]","X-API-KEY":"[REDACTED]","proxy-authorization":"[REDACTED]",
                       "Content-Type":"application/json","Accept":"*/*","X-Request-Id":"r-1"},
            "response":{"SET-COOKIE":["[REDACTED]","[REDACTED]"],"Content-Type":"application/json","Cache-Control":"max-age=300"}},
          "body":{"request":"Authorization: [REDACTED]","response":"{\"cookie\":\"[REDACTED]\"}"}}
        """;

    private RelayServer Server => fixture.Server;

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("Authorization")]
    [InlineData("authorization")]
    [InlineData("AUTHORIZATION")]
    [InlineData("Cookie")]
    [InlineData("cookie")]
    [InlineData("Set-Cookie")]
    [InlineData("set-cookie")]
    [InlineData("SET-COOKIE")]
    [InlineData("X-Api-Key")]
    [InlineData("x-api-key")]
    [InlineData("X-API-KEY")]
    [InlineData("Proxy-Authorization")]
    [InlineData("proxy-AUTHORIZATION")]
    public async Task Header_CredentialNameInAnyCase_RedactedInRequestAndResponse(string name)
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        var frame = new JsonObject
        {
            ["type"] = "network-request",
            ["id"] = "h",
            ["data"] = new JsonObject
            {
                ["headers"] = new JsonObject
                {
                    ["request"] = new JsonObject { [name] = "secret-1", ["Accept"] = "*/*" },
                    ["response"] = new JsonObject { [name] = "secret-2", ["Content-Length"] = "12" },
                },
            },
        };
        await sender.SendTextAsync(frame.ToJsonString());

        var headers = (await receiver.ReceiveTypeAsync("network-request"))["data"]!["headers"]!;
        Assert.Equal("[REDACTED]", headers["request"]![name]!.GetValue<string>());
        Assert.Equal("[REDACTED]", headers["response"]![name]!.GetValue<string>());
        Assert.Equal("*/*", headers["request"]!["Accept"]!.GetValue<string>());
        Assert.Equal("12", headers["response"]!["Content-Length"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task NetworkRequest_WithCredentials_OnlyCredentialValuesChange()
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendTextAsync(NetworkRequest);

        var received = await receiver.ReceiveTypeAsync("network-request");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Redacted), received["data"]), received["data"]!.ToJsonString());
    }

    [Theory(Timeout = TestTimeouts.Short)]
    [InlineData("network-error")]
    [InlineData("console-log")]
    [InlineData("my-custom-event")]
    public async Task Event_OfAnyType_HeadersRedacted(string type)
    {
        var session = RelayFixture.NewSession();
        await using var receiver = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);

        await sender.SendAsync(new { type, id = "t", data = new { headers = new { request = new { Cookie = "c" }, response = new { Authorization = "a" } } } });

        var headers = (await receiver.ReceiveTypeAsync(type))["data"]!["headers"]!;
        Assert.Equal("[REDACTED]", headers["request"]!["Cookie"]!.GetValue<string>());
        Assert.Equal("[REDACTED]", headers["response"]!["Authorization"]!.GetValue<string>());
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task History_OfRedactedEvent_HoldsOnlyRedactedValues()
    {
        var session = RelayFixture.NewSession();
        await using var reader = await Server.ConnectAsync(Endpoints.Mcp, session);
        await using var sender = await Server.ConnectAsync(Endpoints.Extension, session);
        await sender.SendTextAsync(NetworkRequest);
        await reader.ReceiveTypeAsync("network-request");

        await reader.SendAsync(new { type = "history-request", id = "hist", data = new { types = new[] { "network-request" }, afterSeq = 0, limit = 10 } });
        var viaSocket = Assert.Single((await reader.ReceiveTypeAsync("history-response"))["data"]!["events"]!.AsArray())!;
        var viaHttp = Assert.Single((await HttpEventsAsync(Server, session))["events"]!.AsArray())!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Redacted), viaSocket["data"]), viaSocket.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Redacted), viaHttp["data"]), viaHttp.ToJsonString());
        Assert.DoesNotContain("abc.def", viaSocket.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("k-123", viaHttp.ToJsonString(), StringComparison.Ordinal);
    }

    internal static async Task<JsonObject> HttpEventsAsync(RelayServer server, string session)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{session}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayServer.Token(session));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
