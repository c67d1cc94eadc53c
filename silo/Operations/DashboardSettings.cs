namespace RapidTriage.Silo.Operations;

/// <summary>The dashboard's Basic-authentication account (<c>Relay:Dashboard:Username</c>, <c>Relay:Dashboard:Password</c>).</summary>
internal sealed record DashboardSettings(string Username, string Password);
