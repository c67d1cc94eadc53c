using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>Reads a legacy endpoint's JSON body within a size cap; every refusal says why.</summary>
internal static class LegacyBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>The body's root object, or the answer to send instead (415, 413 or 400).</summary>
    public static async Task<(JsonDocument? Document, IResult? Refusal)> ReadObjectAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON (Content-Type: application/json)."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, DocumentOptions, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (JsonException ex)
        {
            return (null, Error(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}"));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, Error(StatusCodes.Status400BadRequest, "The body must be a JSON object."));
        }

        return (document, null);
    }

    /// <summary><c>{"status":"error","message":…}</c>, as browser-tools-server answers bad log posts.</summary>
    public static IResult Error(int status, string message) =>
        Results.Json(new { status = "error", message }, statusCode: status);

    private static IResult TooLarge(long maxBytes) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {maxBytes} bytes (Relay:BrowserTools limits).");

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
