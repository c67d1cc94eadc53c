using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using RapidTriage.Grains;
using RapidTriage.Silo.Operations;

namespace RapidTriage.Silo;

/// <summary>
/// Builds a silo process: session grains, Azure Table clustering and Azure Blob grain storage, all named by
/// configuration (README "Cluster mode"). SIGTERM stops it gracefully: sessions deactivate and write a final
/// snapshot, so the next activation elsewhere keeps their epoch.
/// </summary>
public static class SiloApp
{
    public static IHost Build(string[] args)
    {
        // appsettings.json is read from beside the binary, wherever the process is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configuration = builder.Configuration;
        var settings = SiloSettings.From(configuration);
        var operations = OperationsSettings.From(configuration);
        var storage = new StorageClients(configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(storage);
        builder.AddSiloOperations(operations);

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddHostedService<SiloReadyLog>();
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyAddress);
            silo.Services.AddFailureDetection(configuration);
            silo.UseAzureStorageClustering(o => o.TableServiceClient = storage.Tables());
            silo.AddAzureBlobGrainStorage(SessionStorage.ProviderName, options => options.Configure<Serializer>((o, serializer) =>
            {
                o.BlobServiceClient = storage.Blobs();
                o.ContainerName = settings.ContainerName;

                // The session state is an Orleans-serializable type with stable ids: compact and versionable.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
            silo.AddRelaySessions(configuration);
            silo.AddSiloDashboard(operations);
        });
        var app = builder.Build();
        app.MapSiloOperations(operations);
        return app;
    }
}
