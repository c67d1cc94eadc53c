using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Connections;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>Registers the BrowserTools compatibility layer (README "BrowserTools users").</summary>
internal static class BrowserToolsServices
{
    public static WebApplicationBuilder AddBrowserTools(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions(builder.Configuration, BrowserToolsOptions.SectionName, new BrowserToolsOptionsValidator());
        builder.Services.AddSingleton<LegacySettingsStore>();
        builder.Services.AddSingleton<CaptureWriter>();
        builder.Services.AddSingleton<CaptureReader>();
        builder.Services.AddSingleton<ScreenshotFiles>();
        builder.Services.AddSingleton<IWireDialectSelector, BrowserToolsDialectSelector>();
        return builder;
    }

    /// <summary>Names every bad setting at start, not only the first.</summary>
    private sealed class BrowserToolsOptionsValidator : IValidateOptions<BrowserToolsOptions>
    {
        public ValidateOptionsResult Validate(string? name, BrowserToolsOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
