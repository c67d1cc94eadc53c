using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>Checks <see cref="StorageOptions"/> at start, naming each bad key.</summary>
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = new OptionsProblems(StorageOptions.SectionName);
        ServiceUri(problems, nameof(StorageOptions.TableServiceUri), options.TableServiceUri);
        ServiceUri(problems, nameof(StorageOptions.BlobServiceUri), options.BlobServiceUri);
        if (options.TableServiceUri is null || options.BlobServiceUri is null)
        {
            problems.NotEmpty(nameof(StorageOptions.ConnectionString), options.ConnectionString);
        }

        if (!ContainerName().IsMatch(options.ContainerName ?? ""))
        {
            problems.Add($"{problems.Key(nameof(StorageOptions.ContainerName))} must be a blob container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (got \"{options.ContainerName}\").");
        }

        return problems.Result;
    }

    private static void ServiceUri(OptionsProblems problems, string name, Uri? uri)
    {
        if (uri is not null && (!uri.IsAbsoluteUri || uri.Scheme is not ("https" or "http")))
        {
            problems.Add($"{problems.Key(name)} must be an absolute https:// URI (got \"{uri}\").");
        }
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:-?[a-z0-9])*$")]
    private static partial Regex ContainerName();
}
