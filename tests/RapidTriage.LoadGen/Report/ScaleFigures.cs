namespace RapidTriage.LoadGen.Report;

/// <summary>The grid cells and idle results the report and the capacity model pick, picked the same way for both.</summary>
internal static class ScaleFigures
{
    /// <summary>The session count the many-sessions goals are stated for.</summary>
    public const int GoalSessions = 500;

    /// <summary>
    /// The cell of <paramref name="target"/> at <paramref name="rate"/> with <paramref name="sessions"/> sessions, or
    /// (a smaller run) the largest session count measured at that rate, when asking for more than was measured.
    /// </summary>
    public static GridResult? Cell(SuiteResults results, string target, int sessions, double rate)
    {
        var cells = (results.Grid ?? []).Where(c => c.Target == target && c.OfferedRate == rate).ToList();
        return cells.FirstOrDefault(c => c.Sessions == sessions)
            ?? cells.Where(c => c.Sessions < sessions && sessions > 1).MaxBy(c => c.Sessions);
    }

    /// <summary>The relay's idle result, or null.</summary>
    public static IdleResult? Idle(SuiteResults results) => (results.Idle ?? []).FirstOrDefault(i => i.Target == Figures.Relay);

    /// <summary>
    /// The relay cell the per-message costs are taken from: the most sessions, then the highest rate, among the cells
    /// that lost nothing (per-message costs where fixed costs weigh least); null when none.
    /// </summary>
    public static GridResult? BusiestClean(SuiteResults results) =>
        (results.Grid ?? []).Where(c => c.Target == Figures.Relay && c.Run.Lost == 0 && c.Run.ServerCloses.Count == 0)
            .OrderByDescending(c => c.Sessions).ThenByDescending(c => c.OfferedRate).FirstOrDefault();

    /// <summary>
    /// The relay cell storage per active session is taken from: the most sessions, then the lowest rate (the fewest
    /// messages per session, nearest to what most sessions send), among the cells that lost nothing; null when none.
    /// </summary>
    public static GridResult? QuietestClean(SuiteResults results) =>
        (results.Grid ?? []).Where(c => c.Target == Figures.Relay && c.Run.Lost == 0 && c.Run.ServerCloses.Count == 0 && c.Storage is not null)
            .OrderByDescending(c => c.Sessions).ThenBy(c => c.OfferedRate).FirstOrDefault();

    /// <summary>
    /// Blob operations per second (session state: the grains' storage), all and writes. Table operations are the
    /// cluster's membership (each silo's heartbeat row and reads of the table), a fixed cost per silo, not per session.
    /// </summary>
    public static (double Ops, double Writes) SessionStorage(StorageRates? storage)
    {
        if (storage is null)
        {
            return (0, 0);
        }

        var blob = storage.ByKindMethod.Where(kv => kv.Key.StartsWith("blob ", StringComparison.Ordinal)).ToList();
        return (blob.Sum(kv => kv.Value), blob.Where(kv => !kv.Key.EndsWith(" GET", StringComparison.Ordinal) && !kv.Key.EndsWith(" HEAD", StringComparison.Ordinal)).Sum(kv => kv.Value));
    }

    /// <summary>Table (membership) operations per second.</summary>
    public static double MembershipStorage(StorageRates? storage) =>
        storage?.ByKindMethod.Where(kv => kv.Key.StartsWith("table ", StringComparison.Ordinal)).Sum(kv => kv.Value) ?? 0;
}
