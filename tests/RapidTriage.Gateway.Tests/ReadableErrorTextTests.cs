using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>Error frames and Problem responses carry text for a person: quotes and apostrophes as written, not \u0022 / \u0027.</summary>
[Collection(RelayCollection.Name)]
public sealed class ReadableErrorTextTests(RelayFixture fixture)
{
    private RelayServer Server => fixture.Server;

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task ErrorFrame_MessageWithQuotes_IsNotUnicodeEscaped()
    {
        await using var client = await Server.ConnectAsync(Endpoints.Extension, RelayFixture.NewSession());

        await client.SendTextAsync("{\"type\":\"console-log\",\"id\":5}");
        var text = await client.ReceiveTextAsync();

        Assert.NotNull(text);
        Assert.Contains("\"message\":\"\\\"id\\\" must be a string.\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0022", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Problem_TitleWithApostrophes_IsNotUnicodeEscaped()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUri };

        using var response = await http.GetAsync(new Uri("/api/sessions/bad!id/events", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("'.', '_' or '-'", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", body, StringComparison.Ordinal);
    }
}
