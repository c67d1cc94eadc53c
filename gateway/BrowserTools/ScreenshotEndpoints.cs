using System.Text.Json;
using Microsoft.Extensions.Options;
using RapidTriage.Contracts;
using RapidTriage.Gateway.Sessions;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// <c>POST /capture-screenshot</c> (a <c>screenshot-request</c> through the session to whichever browser serves it)
/// and <c>POST /screenshot</c> (the extension posts an image). Both save the PNG, answer <c>{"filename","path"}</c>
/// and add a <c>screenshot-captured</c> event to the session.
/// </summary>
internal static partial class ScreenshotEndpoints
{
    /// <summary>The event a saved screenshot adds to its session.</summary>
    public const string CapturedType = "screenshot-captured";

    public static async Task<IResult> CaptureAsync(
        HttpContext context, SessionCalls calls, ScreenshotFiles files, CaptureWriter writer, IOptions<BrowserToolsOptions> options, ILogger<ScreenshotFiles> logger)
    {
        var sessionId = BrowserToolsApi.Session(context);
        var reply = await calls.AskAsync(sessionId, CaptureWriter.CallerId, CaptureWriter.Source, MessageTypes.ScreenshotRequest,
            static w => w.WriteString("format", "png"), options.Value.ScreenshotTimeout);
        switch (reply.Outcome)
        {
            case CommandOutcome.NoHandler:
                return Error(StatusCodes.Status503ServiceUnavailable, "Chrome extension not connected");
            case CommandOutcome.TimedOut:
                return Error(StatusCodes.Status500InternalServerError, "Screenshot capture timed out - no response from Chrome extension");
            case CommandOutcome.Answered:
                break;
            default:
                return Error(StatusCodes.Status500InternalServerError, $"Unexpected answer to the screenshot request: {reply.Outcome}.");
        }

        using var document = JsonDocument.Parse(reply.Payload);
        var data = document.RootElement.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var success = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True;
        if (!success)
        {
            return Error(StatusCodes.Status500InternalServerError, StringField(data, "error") ?? "Screenshot capture failed");
        }

        var image = StringField(data, "base64") ?? StringField(data, "data");
        if (image is null)
        {
            return Error(StatusCodes.Status500InternalServerError, "No screenshot data received from Chrome extension");
        }

        return await SaveAndAnnounceAsync(context, sessionId, image, "capture-screenshot", files, writer, options.Value, logger);
    }

    public static async Task<IResult> SaveAsync(
        HttpContext context, ScreenshotFiles files, CaptureWriter writer, IOptions<BrowserToolsOptions> options, ILogger<ScreenshotFiles> logger)
    {
        var (document, refusal) = await LegacyBody.ReadObjectAsync(context, options.Value.MaxScreenshotBytes);
        if (refusal is not null)
        {
            return refusal;
        }

        using (document)
        {
            var image = StringField(document!.RootElement, "data");
            if (string.IsNullOrEmpty(image))
            {
                return Error(StatusCodes.Status400BadRequest, "Missing screenshot data");
            }

            return await SaveAndAnnounceAsync(context, BrowserToolsApi.Session(context), image, "extension", files, writer, options.Value, logger);
        }
    }

    private static async Task<IResult> SaveAndAnnounceAsync(
        HttpContext context, string sessionId, string image, string origin, ScreenshotFiles files, CaptureWriter writer,
        BrowserToolsOptions options, ILogger logger)
    {
        var (png, problem) = ScreenshotFiles.Decode(image);
        if (png is null)
        {
            return Error(StatusCodes.Status400BadRequest, problem!);
        }

        string filename;
        string path;
        try
        {
            (filename, path) = await files.SaveAsync(png, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(logger, ex, options.EffectiveScreenshotFolder);
            return Error(StatusCodes.Status500InternalServerError, $"Failed to save screenshot: {ex.Message}");
        }

        LogSaved(logger, path, png.Length, sessionId);
        var withImage = image.Length <= options.MaxScreenshotEventBytes;
        await writer.PostAsync(sessionId, CapturedType, w =>
        {
            w.WriteBoolean("success", true);
            w.WriteString("filename", filename);
            w.WriteString("path", path);
            w.WriteNumber("size", png.Length);
            w.WriteString("format", "png");
            w.WriteString("origin", origin);
            if (withImage)
            {
                w.WriteString("base64", image.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? image : "data:image/png;base64," + image);
            }
        });
        return Results.Json(new { path, filename });
    }

    private static string? StringField(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Screenshot saved to {Path} ({Bytes} bytes, session {SessionId})")]
    private static partial void LogSaved(ILogger logger, string path, int bytes, string sessionId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Could not save a screenshot in {Folder}")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string folder);
}
