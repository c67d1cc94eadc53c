using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RapidTriage.Silo.Hosting;

/// <summary>A configuration key that has a new name; the old one still works, with a warning at start.</summary>
public sealed record RenamedKey(string OldKey, string NewKey);

/// <summary>
/// Keeps renamed keys working: a value set under an old name (and not under the new one) is read as if it were
/// set under the new name, and each old name in use is logged once at start as a warning saying what to use.
/// </summary>
public static class RenamedKeys
{
    public static IHostApplicationBuilder MapRenamedKeys(this IHostApplicationBuilder builder, params RenamedKey[] keys)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(keys);
        var moved = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var notes = new List<string>();
        foreach (var key in keys)
        {
            if (builder.Configuration[key.OldKey] is not { } value)
            {
                continue;
            }

            if (builder.Configuration[key.NewKey] is null)
            {
                moved[key.NewKey] = value;
                notes.Add($"{key.OldKey} is deprecated: set {key.NewKey} instead (the old key still works for now).");
            }
            else
            {
                notes.Add($"{key.OldKey} is deprecated and ignored: {key.NewKey} is set and wins.");
            }
        }

        if (moved.Count > 0)
        {
            builder.Configuration.AddInMemoryCollection(moved);
        }

        if (notes.Count > 0)
        {
            builder.Services.AddHostedService(sp => new RenamedKeysLog(notes, sp.GetRequiredService<ILogger<RenamedKeysLog>>()));
        }

        return builder;
    }
}
