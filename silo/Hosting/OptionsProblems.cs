using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// What is wrong with one options object, every problem naming its full configuration key
/// (<c>Relay:RateLimit:Burst must be at least 1 (got 0).</c>), so that a failed start says what to fix.
/// </summary>
public sealed class OptionsProblems
{
    private readonly List<string> _problems;

    public OptionsProblems(string sectionName)
        : this(sectionName, [])
    {
    }

    private OptionsProblems(string sectionName, List<string> problems)
    {
        SectionName = sectionName;
        _problems = problems;
    }

    public string SectionName { get; }

    public ValidateOptionsResult Result => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);

    /// <summary>The problems of a subsection (<c>Relay</c> and <c>RateLimit</c>: <c>Relay:RateLimit</c>), collected here.</summary>
    public OptionsProblems For(string subsection) => new($"{SectionName}:{subsection}", _problems);

    public string Key(string name) => $"{SectionName}:{name}";

    public void Add(string problem) => _problems.Add(problem);

    public void AtLeast(string name, long value, long minimum)
    {
        if (value < minimum)
        {
            Add($"{Key(name)} must be at least {minimum} (got {value}).");
        }
    }

    public void AtLeast(string name, double value, double minimum)
    {
        if (double.IsNaN(value) || value < minimum)
        {
            Add($"{Key(name)} must be at least {minimum} (got {value}).");
        }
    }

    public void Positive(string name, double value)
    {
        if (double.IsNaN(value) || value <= 0)
        {
            Add($"{Key(name)} must be positive (got {value}).");
        }
    }

    public void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Add($"{Key(name)} must be positive (got {value}).");
        }
    }

    public void NotNegative(string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            Add($"{Key(name)} must not be negative (got {value}).");
        }
    }

    public void Port(string name, int value)
    {
        if (value is < 1 or > 65535)
        {
            Add($"{Key(name)} must be a TCP port, 1 to 65535 (got {value}).");
        }
    }

    public void NotEmpty(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add($"{Key(name)} must not be empty.");
        }
    }
}
