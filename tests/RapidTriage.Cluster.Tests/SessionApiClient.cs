using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RapidTriage.Testing;

namespace RapidTriage.Cluster.Tests;

/// <summary><c>GET /api/sessions/{id}[/events]</c> on a gateway, with a token for the session.</summary>
internal static class SessionApiClient
{
    public static Task<JsonObject> RosterAsync(LocalCluster cluster, int gateway, string session) =>
        GetAsync(cluster.GatewayHttp(gateway, $"/api/sessions/{session}"), session);

    public static Task<JsonObject> EventsAsync(LocalCluster cluster, int gateway, string session, long afterSeq = 0) =>
        GetAsync(cluster.GatewayHttp(gateway, $"/api/sessions/{session}/events?afterSeq={afterSeq}&limit=1000"), session);

    private static async Task<JsonObject> GetAsync(Uri uri, string session)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayServer.Token(session));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{uri} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
