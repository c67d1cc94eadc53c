using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// How the relay registers an options class: bound from its section and checked by its validator, which names each
/// bad key. The check runs twice on purpose: once here, while the host is composed, so that a bad value stops the
/// process before anything is built from it and every problem of the class is reported together (a later check
/// could only fail as the first service that reads the options is made); and again at start
/// (<c>ValidateOnStart</c>), covering anything configured after composition.
/// </summary>
public static class OptionsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="T"/> bound from <paramref name="sectionName"/> and checked by
    /// <paramref name="validator"/>; <paramref name="defaults"/> are this host's own defaults where they differ from
    /// the class's, applied before the section. Returns the bound, valid value for composition (a mode, a port).
    /// </summary>
    /// <exception cref="OptionsValidationException">A value does not convert or breaks a rule.</exception>
    public static T AddValidatedOptions<T>(
        this IServiceCollection services,
        IConfiguration configuration,
        string sectionName,
        IValidateOptions<T> validator,
        Action<T>? defaults = null)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(validator);
        var options = services.AddOptions<T>();
        if (defaults is not null)
        {
            options.Configure(defaults);
        }

        options.BindConfiguration(sectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton(validator));
        return Validate(Bind(configuration, sectionName, defaults), sectionName, validator);
    }

    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="sectionName"/> now. A value that does not convert
    /// (<c>Relay:MaxMessageSize=big</c>) fails as a validation failure naming its key.
    /// </summary>
    public static T Bind<T>(IConfiguration configuration, string sectionName, Action<T>? defaults = null)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var bound = new T();
        defaults?.Invoke(bound);
        try
        {
            configuration.GetSection(sectionName).Bind(bound);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(sectionName, typeof(T), [ex.Message]);
        }

        return bound;
    }

    /// <summary>Returns <paramref name="options"/> when every validator passes; else throws with all their failures.</summary>
    public static T Validate<T>(T options, string sectionName, params IValidateOptions<T>[] validators)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(validators);
        var failures = validators
            .Select(v => v.Validate(Microsoft.Extensions.Options.Options.DefaultName, options))
            .Where(static r => r.Failed)
            .SelectMany(static r => r.Failures ?? [])
            .ToList();
        return failures.Count == 0 ? options : throw new OptionsValidationException(sectionName, typeof(T), failures);
    }
}
