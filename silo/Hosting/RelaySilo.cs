using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using RapidTriage.Grains;

namespace RapidTriage.Silo.Hosting;

/// <summary>
/// The relay's silo composition. Every relay silo (the silo host, the gateway's embedded silo) calls
/// <see cref="AddRelaySilo(ISiloBuilder, IConfiguration)"/>; the silo host adds <see cref="UseAzureStorage"/>, the gateway
/// <see cref="EmbeddedSilo.UseEmbeddedSilo"/>.
/// </summary>
public static class RelaySilo
{
    /// <summary>The session grains with their options (bound from <c>Relay</c> and validated) and failure detection.</summary>
    public static ISiloBuilder AddRelaySilo(this ISiloBuilder silo, IConfiguration configuration) =>
        silo.AddRelaySilo(configuration, defaults: null, rules: []);

    /// <summary>
    /// As <see cref="AddRelaySilo(ISiloBuilder, IConfiguration)"/>, with this host's own session defaults (applied
    /// before configuration, so a configured key wins) and rules that span other options of this host.
    /// </summary>
    internal static ISiloBuilder AddRelaySilo(
        this ISiloBuilder silo,
        IConfiguration configuration,
        Action<SessionOptions>? defaults,
        IValidateOptions<SessionOptions>[] rules)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (defaults is not null)
        {
            silo.Services.Configure(defaults);
        }

        silo.AddRelaySessions(configuration);
        IValidateOptions<SessionOptions>[] validators = [new SessionOptionsValidator(), .. rules];
        foreach (var validator in validators)
        {
            silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton(validator));
        }

        silo.Services.AddOptions<SessionOptions>().ValidateOnStart();
        OptionsRegistration.Validate(
            OptionsRegistration.Bind(configuration, SessionOptions.SectionName, defaults), SessionOptions.SectionName, validators);
        silo.Services.AddFailureDetection(configuration);
        return silo;
    }

    /// <summary>
    /// Cluster mode's storage: membership in an Azure Table, session state in Azure Blobs (<c>Relay:Storage</c>),
    /// for the cluster named by <c>Relay:Cluster:ClusterId</c>/<c>ServiceId</c>.
    /// </summary>
    public static ISiloBuilder UseAzureStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddClusterIdentity(configuration);
        silo.Services.AddRelayStorage(configuration);
        silo.UseAzureStorageClustering(options => options.Configure<StorageClients>(static (o, storage) => o.TableServiceClient = storage.Tables()));
        silo.AddAzureBlobGrainStorage(SessionStorage.ProviderName, options => options.Configure<Serializer, StorageClients>(static (o, serializer, storage) =>
        {
            o.BlobServiceClient = storage.Blobs();
            o.ContainerName = storage.ContainerName;

            // The session state is an Orleans-serializable type with stable ids: compact and versionable.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        return silo;
    }
}
