using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidTriage.Contracts;
using RapidTriage.Grains;

namespace RapidTriage.Benchmarks;

/// <summary>
/// One event through the session grain to its receivers' gateway observer, with the silo hosted in this
/// process exactly as local mode hosts it (co-hosted client, in-memory storage): the grain hops of a message.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class FanOutBenchmarks
{
    private const int Pipelined = 100;
    private IHost _host = null!;
    private ISessionGrain _session = null!;
    private CountingObserver _observer = null!;
    private InboundEnvelope _envelope = null!;

    // Keeps the observer reference alive: Orleans holds observers weakly.
    private ISessionObserver _reference = null!;

    [Params(1, 3, 10)]
    public int Receivers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        _host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "bench", clusterId: "bench");
                silo.AddMemoryGrainStorage(SessionStorage.ProviderName);
                silo.AddRelaySessions(configuration);
            })
            .Build();
        await _host.StartAsync();
        (_session, _observer, _reference, _envelope) = await SessionSetup.CreateAsync(_host.Services.GetRequiredService<IGrainFactory>(), Receivers);
        await PublishAndDeliver();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Benchmark(Description = "publish one event, await delivery to all receivers")]
    public async Task PublishAndDeliver()
    {
        var delivered = _observer.Expect(Receivers);
        await _session.Publish(_envelope);
        await delivered;
    }

    [Benchmark(OperationsPerInvoke = Pipelined, Description = "100 publishes in flight, per event")]
    public async Task PublishPipelined()
    {
        var delivered = _observer.Expect(Receivers * Pipelined);
        var publishes = new Task<PublishResult>[Pipelined];
        for (var i = 0; i < Pipelined; i++)
        {
            publishes[i] = _session.Publish(_envelope);
        }

        await Task.WhenAll(publishes);
        await delivered;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
