namespace RapidTriage.Silo.Operations;

/// <summary><c>Relay:Dashboard:*</c>: the Orleans dashboard on the silo's HTTP endpoint, behind Basic authentication.</summary>
internal sealed class DashboardOptions
{
    public const string SectionName = "Relay:Dashboard";

    /// <summary>The shortest password accepted: the dashboard shows every grain and silo.</summary>
    public const int MinimumPasswordLength = 12;

    public bool Enabled { get; set; }

    public string Username { get; set; } = "admin";

    /// <summary>Required when <see cref="Enabled"/>: at least <see cref="MinimumPasswordLength"/> characters.</summary>
    public string? Password { get; set; }
}
