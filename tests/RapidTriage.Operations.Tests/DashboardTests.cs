using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests;

/// <summary>The Orleans dashboard on a silo: absent unless enabled, and behind Basic authentication when it is.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Password = "dashboard-password-for-tests";
    private LocalCluster _processes = null!;
    private ClusterNode _withDashboard = null!;
    private ClusterNode _withoutDashboard = null!;

    public async Task InitializeAsync()
    {
        _processes = await LocalCluster.StartOnOwnStorageAsync(TestLogs.Directory(nameof(DashboardTests)));
        _withDashboard = _processes.StartSilo("silo-dashboard",
            "--Relay:Dashboard:Enabled=true", "--Relay:Dashboard:Username=ops", $"--Relay:Dashboard:Password={Password}");
        _withoutDashboard = _processes.StartSilo("silo-plain");
        await Task.WhenAll(_withDashboard.WaitReadyAsync(), _withoutDashboard.WaitReadyAsync());
    }

    public async Task DisposeAsync() => await _processes.DisposeAsync();

    // "/dashboard/" (the dashboard redirects "/dashboard" there, and a redirect drops the Authorization header).
    [Fact(Timeout = 60_000)]
    public async Task Dashboard_EnabledWithPassword_AnswersOnlyTheRightCredentials_AndIsOffByDefault()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using var anonymous = await http.GetAsync(_withDashboard.Http("/dashboard/"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var anonymousApi = await http.GetAsync(_withDashboard.Http("/dashboard/DashboardCounters"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousApi.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(http, "ops", "wrong-password-123"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(http, "admin", Password));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(http, "ops", Password));

        using var off = await http.GetAsync(_withoutDashboard.Http("/dashboard"));
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
    }

    private async Task<HttpStatusCode> GetAsync(HttpClient http, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _withDashboard.Http("/dashboard/"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
