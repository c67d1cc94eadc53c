using System.Net;
using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>Checks <see cref="SiloOptions"/> at start, naming each bad key.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var problems = new OptionsProblems(SiloOptions.SectionName);
        if (!Enum.IsDefined(options.Mode))
        {
            problems.Add($"{problems.Key(nameof(options.Mode))} must be Embedded or External (got {options.Mode}).");
        }

        problems.Port(nameof(options.SiloPort), options.SiloPort);
        problems.Port(nameof(options.GatewayPort), options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            problems.Add($"{problems.Key(nameof(options.SiloPort))} and {problems.Key(nameof(options.GatewayPort))} must differ (both {options.SiloPort}).");
        }

        if (!string.Equals(options.AdvertisedAddress, "auto", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            problems.Add($"{problems.Key(nameof(options.AdvertisedAddress))} must be an IP address or auto (got \"{options.AdvertisedAddress}\").");
        }

        problems.NotEmpty(nameof(options.Urls), options.Urls);
        problems.Positive(nameof(options.ReadyTimeout), options.ReadyTimeout);
        problems.Positive(nameof(options.ShutdownTimeout), options.ShutdownTimeout);
        return problems.Result;
    }
}
