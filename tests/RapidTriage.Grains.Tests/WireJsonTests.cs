using System.Text;
using System.Text.Json.Nodes;
using RapidTriage.Contracts;

namespace RapidTriage.Grains.Tests;

/// <summary>How the session swaps a command's id for its correlation id and back without touching anything else.</summary>
public sealed class WireJsonTests
{
    [Theory]
    [InlineData("""{"type":"screenshot-request","id":"1","data":{"id":"inner"}}""", """{"type":"screenshot-request","id":"rt_x","data":{"id":"inner"}}""")]
    [InlineData("""{"type":"t","id":"a\"b","data":{}}""", """{"type":"t","id":"rt_x","data":{}}""")]
    [InlineData("""{"id":{"nested":[1,2]},"type":"t"}""", """{"id":"rt_x","type":"t"}""")]
    [InlineData("""{"type":"t"}""", """{"id":"rt_x","type":"t"}""")]
    [InlineData("""{}""", """{"id":"rt_x"}""")]
    public void WithId_ReplacesOnlyTheTopLevelId(string payload, string expected)
    {
        var result = Encoding.UTF8.GetString(WireJson.WithId(Encoding.UTF8.GetBytes(payload), "rt_x"));

        Assert.Equal(expected, result);
    }

    [Fact]
    public void WithId_IdNeedingEscapes_IsValidJsonWithThatId()
    {
        var result = WireJson.WithId("""{"type":"t","id":"x"}"""u8, "quote\" and \\ and \u00e9");

        Assert.Equal("quote\" and \\ and \u00e9", JsonNode.Parse(result)!["id"]!.GetValue<string>());
    }
}
