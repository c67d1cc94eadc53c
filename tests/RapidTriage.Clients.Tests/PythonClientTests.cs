using RapidTriage.Testing;

namespace RapidTriage.Clients.Tests;

/// <summary>The protocol document's Python client (<c>python/client.py</c>), unchanged, on <c>/mcp-ws</c>.</summary>
[Collection(ClientsCollection.Name)]
public sealed class PythonClientTests(ClientsFixture fixture)
{
    private const string Python = "/usr/bin/python3";

    [Fact(Timeout = TestTimeouts.Long)]
    public async Task PythonClient_ConnectionInit_GetsUnaskedAckThenInitAckWithSameConnection()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var session = ClientsFixture.NewSession();

        await using var python = ChildProcess.Start(Python,
            [Path.Combine(fixture.Clients.PythonFolder, "client.py"), fixture.Server.WebSocketUri($"/mcp-ws?sessionId={session}").AbsoluteUri,
             "--seconds", "1.5"],
            fixture.Clients.PythonFolder,
            "Install Debian's python3 and python3-websockets (tests/run-all.sh does).");
        var exitCode = await python.WaitForExitAsync(TimeSpan.FromSeconds(20), timeout.Token);

        Assert.True(exitCode == 0, $"The Python client exited with {exitCode} (3: could not connect; an ImportError means python3-websockets is missing).\n{python.Describe()}");
        var acks = ReceivedMessages.Parse(python.StandardOutput).OfType("connection-ack");
        Assert.True(acks.Count == 2, $"Expected the unasked ack and the one answering connection-init, got {acks.Count}.\n{python.Describe()}");
        Assert.All(acks, ack => Assert.Equal(session, ack.Text("sessionId")));
        Assert.False(string.IsNullOrEmpty(acks[0].Text("connectionId")), python.Describe());
        Assert.Equal(acks[0].Text("connectionId"), acks[1].Text("connectionId"));
    }
}
