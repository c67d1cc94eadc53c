using System.Text.Json;
using RapidTriage.Gateway.Mcp;

namespace RapidTriage.Mcp.Tests;

/// <summary>How the image of a <c>screenshot-response</c> is read, including the answers a browser gets wrong.</summary>
public sealed class ScreenshotImageTests
{
    [Fact]
    public void TryRead_PngDataUrlWithoutDimensions_TakesThemFromThePngHeader()
    {
        var png = TestPng.Create(9, 4);

        var image = ScreenshotImage.TryRead(Data(new { success = true, base64 = "data:image/png;base64," + Convert.ToBase64String(png) }), out var error);

        Assert.Null(error);
        Assert.Equal(png, image!.Bytes);
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal((9, 4), (image.Width, image.Height));
    }

    [Fact]
    public void TryRead_BareBase64WithFormatAndDimensions_UsesThem()
    {
        var image = ScreenshotImage.TryRead(Data(new { base64 = "/9j/4AAQ", format = "jpg", dimensions = new { width = 1920, height = 1080 } }), out _);

        Assert.Equal("image/jpeg", image!.MimeType);
        Assert.Equal((1920, 1080), (image.Width, image.Height));
        Assert.Equal(Convert.FromBase64String("/9j/4AAQ"), image.Bytes);
    }

    [Theory]
    [InlineData("""{"success":true}""", "data.base64 is missing")]
    [InlineData("""{"base64":""}""", "data.base64 is missing")]
    [InlineData("""{"base64":"data:image/png,plain"}""", "not a base64 data URL")]
    [InlineData("""{"base64":"data:text/html;base64,PGI+"}""", "text/html, not an image")]
    [InlineData("""{"base64":"data:image/png;base64,%%%not base64%%%"}""", "not valid base64")]
    public void TryRead_UnusableAnswer_SaysWhatIsWrong(string data, string expected)
    {
        using var document = JsonDocument.Parse(data);

        var image = ScreenshotImage.TryRead(document.RootElement, out var error);

        Assert.Null(image);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static JsonElement Data(object data) => JsonSerializer.SerializeToElement(data);
}
