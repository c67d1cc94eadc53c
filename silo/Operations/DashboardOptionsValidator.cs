using Microsoft.Extensions.Options;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Silo.Operations;

/// <summary>An enabled dashboard needs an account: a user name and a password of at least 12 characters.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var problems = new OptionsProblems(DashboardOptions.SectionName);
        if (options.Enabled)
        {
            problems.NotEmpty(nameof(options.Username), options.Username);
            if (options.Password is not { Length: >= DashboardOptions.MinimumPasswordLength })
            {
                problems.Add($"{DashboardOptions.SectionName}:Enabled needs {problems.Key(nameof(options.Password))} (at least {DashboardOptions.MinimumPasswordLength} characters).");
            }
        }

        return problems.Result;
    }
}
