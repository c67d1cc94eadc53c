using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>Checks <see cref="ClusterIdentityOptions"/> at start: non-empty, and usable as Azure Table keys.</summary>
internal sealed class ClusterIdentityOptionsValidator : IValidateOptions<ClusterIdentityOptions>
{
    private static readonly char[] NotInTableKeys = ['/', '\\', '#', '?'];

    public ValidateOptionsResult Validate(string? name, ClusterIdentityOptions options)
    {
        var problems = new OptionsProblems(ClusterIdentityOptions.SectionName);
        Check(problems, nameof(ClusterIdentityOptions.ClusterId), options.ClusterId);
        Check(problems, nameof(ClusterIdentityOptions.ServiceId), options.ServiceId);
        return problems.Result;
    }

    private static void Check(OptionsProblems problems, string name, string? value)
    {
        problems.NotEmpty(name, value);
        if (value is not null && value.IndexOfAny(NotInTableKeys) >= 0)
        {
            problems.Add($"{problems.Key(name)} must not contain / \\ # or ? (got \"{value}\").");
        }
    }
}
