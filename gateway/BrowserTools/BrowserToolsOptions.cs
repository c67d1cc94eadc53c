namespace RapidTriage.Gateway.BrowserTools;

/// <summary>The BrowserTools compatibility endpoints (README "BrowserTools users"), bound from <c>Relay:BrowserTools</c>.</summary>
internal sealed class BrowserToolsOptions
{
    public const string SectionName = "Relay:BrowserTools";

    /// <summary>Serve the legacy HTTP API and recognise legacy sockets (local mode only; hosted mode never serves them).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where captured screenshots are saved; <c>~</c> is the user's home. Empty: <c>~/Downloads/mcp-screenshots</c>.</summary>
    public string ScreenshotFolder { get; set; } = "";

    /// <summary>Largest request body of the JSON endpoints (<c>/extension-log</c>, <c>/current-url</c>, …), in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest <c>POST /screenshot</c> body (a PNG as a base64 data URL), in bytes.</summary>
    public long MaxScreenshotBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>A screenshot event carries the image only up to this many bytes of data URL; a larger one only its file.</summary>
    public int MaxScreenshotEventBytes { get; set; } = 512 * 1024;

    /// <summary>How long <c>POST /capture-screenshot</c> waits for the browser (capped by <c>Relay:CommandTimeout</c>).</summary>
    public TimeSpan ScreenshotTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound on the extension's <c>logLimit</c> setting: entries a list endpoint returns.</summary>
    public int MaxLogLimit { get; set; } = 1000;

    /// <summary>Upper bound on the extension's <c>queryLimit</c> setting: characters of JSON a list endpoint returns.</summary>
    public int MaxQueryLimit { get; set; } = 1024 * 1024;

    /// <summary>The folder screenshots go to, with <c>~</c> expanded.</summary>
    public string EffectiveScreenshotFolder
    {
        get
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrWhiteSpace(ScreenshotFolder))
            {
                return Path.Combine(home, "Downloads", "mcp-screenshots");
            }

            if (ScreenshotFolder == "~" || ScreenshotFolder.StartsWith("~/", StringComparison.Ordinal))
            {
                return Path.GetFullPath(Path.Combine(home, ScreenshotFolder.TrimStart('~').TrimStart('/')));
            }

            return Path.GetFullPath(ScreenshotFolder);
        }
    }

    /// <summary>Every problem with these settings, for <c>ValidateOnStart</c>.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxBodyBytes < 1024)
        {
            yield return $"{SectionName}:MaxBodyBytes must be at least 1024 (got {MaxBodyBytes}).";
        }

        if (MaxScreenshotBytes < 1024)
        {
            yield return $"{SectionName}:MaxScreenshotBytes must be at least 1024 (got {MaxScreenshotBytes}).";
        }

        if (MaxScreenshotEventBytes < 0)
        {
            yield return $"{SectionName}:MaxScreenshotEventBytes must not be negative (got {MaxScreenshotEventBytes}).";
        }

        if (ScreenshotTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:ScreenshotTimeout must be positive (got {ScreenshotTimeout}).";
        }

        if (MaxLogLimit < 1)
        {
            yield return $"{SectionName}:MaxLogLimit must be at least 1 (got {MaxLogLimit}).";
        }

        if (MaxQueryLimit < 1)
        {
            yield return $"{SectionName}:MaxQueryLimit must be at least 1 (got {MaxQueryLimit}).";
        }
    }
}
