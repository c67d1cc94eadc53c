using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>Turns a start refused for bad configuration into lines a person can act on, with no stack trace.</summary>
public static class ConfigurationErrors
{
    /// <summary>Every configuration problem behind <paramref name="exception"/>, one per line; null when it is something else.</summary>
    public static string? Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failures = exception switch
        {
            OptionsValidationException one => one.Failures,
            AggregateException many when many.InnerExceptions.All(static e => e is OptionsValidationException) =>
                many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(static e => e.Failures),
            _ => null,
        };
        return failures is null ? null : string.Join(Environment.NewLine, failures.Select(static f => "  " + f));
    }

    /// <summary>Runs a host; a start refused for its configuration prints the problems to stderr and exits 1.</summary>
    public static async Task<int> RunAsync(Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (Describe(ex) is { } problems)
        {
            await Console.Error.WriteLineAsync($"Not started: the configuration is invalid.{Environment.NewLine}{problems}");
            return 1;
        }
    }
}
