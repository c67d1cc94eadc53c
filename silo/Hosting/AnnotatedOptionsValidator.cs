using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// Checks an options class's data annotations (<c>[Range]</c>, <c>[Required]</c>) and reports each failure under
/// its full configuration key (<c>Relay:Mcp:Burst: The field Burst must be between 1 and 1000000.</c>).
/// </summary>
public sealed class AnnotatedOptionsValidator<T>(string sectionName) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r =>
            $"{sectionName}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}"));
    }
}
