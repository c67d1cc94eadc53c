namespace RapidTriage.Grains;

/// <summary>Names the grain storage the session grain uses; hosts register a provider under it.</summary>
public static class SessionStorage
{
    /// <summary>The grain storage provider name.</summary>
    public const string ProviderName = "sessions";
}
