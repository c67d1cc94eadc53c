using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace RapidTriage.Gateway.BrowserTools;

/// <summary>
/// The newest <see cref="LegacySettings"/> per session. Settings are how the extension wants lists cut, not
/// captures: captures live only in the session's history.
/// </summary>
internal sealed class LegacySettingsStore(IOptions<BrowserToolsOptions> options)
{
    // Local mode serves a handful of sessions; past this many, new sessions use the defaults.
    private const int MaxSessions = 1024;

    private readonly ConcurrentDictionary<string, LegacySettings> _bySession = new(StringComparer.Ordinal);

    public LegacySettings For(string sessionId) =>
        (_bySession.TryGetValue(sessionId, out var settings) ? settings : LegacySettings.Default).CappedBy(options.Value);

    public void Update(string sessionId, JsonElement settings)
    {
        if (settings.ValueKind != JsonValueKind.Object || (_bySession.Count >= MaxSessions && !_bySession.ContainsKey(sessionId)))
        {
            return;
        }

        _bySession.AddOrUpdate(
            sessionId,
            static (_, state) => LegacySettings.Default.With(state.settings, state.limits),
            static (_, current, state) => current.With(state.settings, state.limits),
            (settings, limits: options.Value));
    }
}
