using Microsoft.Extensions.Configuration;

namespace RapidTriage.Silo.Operations;

/// <summary>Where the silo serves health and metrics, and whether it serves the dashboard.</summary>
/// <param name="Urls"><c>Relay:Silo:Urls</c>: the Kestrel endpoint; by default a free loopback port, logged at start.</param>
/// <param name="ReadyTimeout"><c>Relay:Silo:ReadyTimeout</c>: how long a readiness probe waits for storage.</param>
/// <param name="Dashboard">Set when <c>Relay:Dashboard:Enabled</c>.</param>
internal sealed record OperationsSettings(string Urls, TimeSpan ReadyTimeout, DashboardSettings? Dashboard)
{
    public static OperationsSettings From(IConfiguration configuration)
    {
        DashboardSettings? dashboard = null;
        if (configuration.GetValue("Relay:Dashboard:Enabled", false))
        {
            // Off by default; on, it shows every grain and silo, so it never runs without a password.
            var password = configuration["Relay:Dashboard:Password"];
            if (string.IsNullOrEmpty(password) || password.Length < 12)
            {
                throw new InvalidOperationException("Relay:Dashboard:Enabled needs Relay:Dashboard:Password (at least 12 characters).");
            }

            dashboard = new DashboardSettings(configuration.GetValue("Relay:Dashboard:Username", "admin")!, password);
        }

        return new OperationsSettings(
            configuration.GetValue("Relay:Silo:Urls", "http://127.0.0.1:0")!,
            configuration.GetValue("Relay:Silo:ReadyTimeout", TimeSpan.FromSeconds(3)),
            dashboard);
    }
}
