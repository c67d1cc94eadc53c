using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using RapidTriage.Silo.Hosting;
using RapidTriage.Testing;

namespace RapidTriage.Gateway.Tests;

/// <summary>Local mode's grain storage keeps copies and checks ETags as a real store does.</summary>
[Collection(RelayCollection.Name)]
public sealed class InProcessGrainStorageTests(RelayFixture fixture)
{
    private readonly InProcessGrainStorage _storage =
        new(new OrleansGrainStorageSerializer(fixture.Server.Services.GetRequiredService<Serializer>()));

    private static GrainId Grain => GrainId.Create("session", RelayFixture.NewSession());

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Write_ThenRead_ReturnsACopyWithTheNewETag()
    {
        var grain = Grain;
        var written = new GrainState<List<string>>(["a", "b"]);
        await _storage.WriteStateAsync("s", grain, written);
        written.State!.Add("changed after the write");

        var read = new GrainState<List<string>>();
        await _storage.ReadStateAsync("s", grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(["a", "b"], read.State);
        Assert.Equal(written.ETag, read.ETag);
        Assert.NotNull(read.ETag);
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Write_StaleOrMissingETag_ThrowsInconsistentState()
    {
        var grain = Grain;
        var first = new GrainState<string>("one");
        await _storage.WriteStateAsync("s", grain, first);
        var stale = new GrainState<string>("two") { ETag = first.ETag };
        await _storage.WriteStateAsync("s", grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("s", grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("s", grain, new GrainState<string>("new")));
    }

    [Fact(Timeout = TestTimeouts.Short)]
    public async Task Clear_ThenRead_FindsNoRecord()
    {
        var grain = Grain;
        var state = new GrainState<string>("one");
        await _storage.WriteStateAsync("s", grain, state);
        await _storage.ClearStateAsync("s", grain, state);

        var read = new GrainState<string>();
        await _storage.ReadStateAsync("s", grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        var other = new GrainState<string>();
        await _storage.ReadStateAsync("other", grain, other);
        Assert.False(other.RecordExists);
    }
}
