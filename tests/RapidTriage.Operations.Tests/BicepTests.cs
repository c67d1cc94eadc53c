using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RapidTriage.Operations.Tests.Harness;
using RapidTriage.Testing;

namespace RapidTriage.Operations.Tests;

/// <summary>
/// deploy/azure/main.bicep compiles with the real Bicep compiler, with no warning, and the ARM template it makes
/// has what the deployment depends on: silo ports and single replicas, WebSocket-capable public ingress that scales
/// on connections, heartbeat under the ingress idle timeout, the drain, the storage roles of the identity.
/// </summary>
public sealed partial class BicepTests
{
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    [Fact(Timeout = 90_000)]
    public async Task MainBicep_Compiles_AndTheTemplateCarriesPortsReplicasIngressAndRoles()
    {
        var (template, diagnostics) = await Bicep.BuildAsync(Path.Combine(RepoDirectory.Root, "deploy", "azure", "main.bicep"));
        Assert.True(diagnostics.Trim().Length == 0, "the compiler warned:\n" + diagnostics);

        var parameters = template["parameters"]!.AsObject();
        Assert.Equal(11111, Default(parameters, "siloPortBase"));
        Assert.Equal(30000, Default(parameters, "siloGatewayPortBase"));
        Assert.Equal(2, Default(parameters, "siloCount"));
        Assert.Equal(30, Default(parameters, "heartbeatSeconds"));

        // The ingress drops a connection idle for 240 s: a heartbeat may never be allowed near that.
        Assert.True(parameters["heartbeatSeconds"]!["maxValue"]!.GetValue<int>() <= 120);
        Assert.Equal(10, Default(parameters, "drainWindowSeconds"));
        Assert.Equal("securestring", parameters["signingKey"]!["type"]!.GetValue<string>());
        Assert.Equal("securestring", parameters["dashboardPassword"]!["type"]!.GetValue<string>());
        Assert.False(parameters["dashboardEnabled"]!["defaultValue"]!.GetValue<bool>());

        // Silos: a copy per silo, deployed one at a time, each with its own ports from the bases.
        var silos = Deployment(template, "silos");
        Assert.Equal("[parameters('deployApps')]", silos["condition"]!.GetValue<string>());
        Assert.Equal("[parameters('deployApps')]", Deployment(template, "gateway")["condition"]!.GetValue<string>());
        Assert.Equal("serial", silos["copy"]!["mode"]!.GetValue<string>());
        Assert.Equal(1, silos["copy"]!["batchSize"]!.GetValue<int>());
        Assert.Contains("parameters('siloCount')", silos["copy"]!["count"]!.GetValue<string>(), StringComparison.Ordinal);
        var siloParameters = silos["properties"]!["parameters"]!;
        Assert.StartsWith("[add(parameters('siloPortBase'), ", Value(siloParameters, "siloPort"), StringComparison.Ordinal);
        Assert.StartsWith("[add(parameters('siloGatewayPortBase'), ", Value(siloParameters, "gatewayPort"), StringComparison.Ordinal);

        var silo = App(silos);
        var siloIngress = silo["properties"]!["configuration"]!["ingress"]!;
        Assert.False(siloIngress["external"]!.GetValue<bool>());
        Assert.Equal("tcp", siloIngress["transport"]!.GetValue<string>());
        Assert.Equal("[parameters('siloPort')]", siloIngress["targetPort"]!.GetValue<string>());
        Assert.Equal("[parameters('siloPort')]", siloIngress["exposedPort"]!.GetValue<string>());
        var gatewayMapping = siloIngress["additionalPortMappings"]!.AsArray().Single(m => m!["targetPort"]!.GetValue<string>() == "[parameters('gatewayPort')]")!;
        Assert.False(gatewayMapping["external"]!.GetValue<bool>());
        Assert.Equal("[parameters('gatewayPort')]", gatewayMapping["exposedPort"]!.GetValue<string>());
        var siloTemplate = silo["properties"]!["template"]!;
        Assert.Equal(1, siloTemplate["scale"]!["minReplicas"]!.GetValue<int>());
        Assert.Equal(1, siloTemplate["scale"]!["maxReplicas"]!.GetValue<int>());
        var siloEnv = Env(siloTemplate);
        Assert.Equal("string(parameters('siloPort'))", siloEnv["Relay__Silo__SiloPort"]);
        Assert.Equal("string(parameters('gatewayPort'))", siloEnv["Relay__Silo__GatewayPort"]);
        Assert.Equal("auto", siloEnv["Relay__Silo__AdvertisedAddress"]);
        AssertProbes(siloTemplate, "[variables('httpPort')]");
        AssertUserAssignedIdentity(silo);

        // Gateways: public ingress that passes WebSocket upgrades, scaling on open sockets, drained on SIGTERM.
        var gatewayDeployment = Deployment(template, "gateway");
        var gateway = App(gatewayDeployment);
        var ingress = gateway["properties"]!["configuration"]!["ingress"]!;
        Assert.True(ingress["external"]!.GetValue<bool>());
        Assert.Equal("auto", ingress["transport"]!.GetValue<string>());
        Assert.Equal("[variables('relayPort')]", ingress["targetPort"]!.GetValue<string>());
        Assert.False(ingress["allowInsecure"]!.GetValue<bool>());
        var gatewayVariables = gatewayDeployment["properties"]!["template"]!["variables"]!;
        Assert.Equal(8080, gatewayVariables["relayPort"]!.GetValue<int>());
        Assert.Equal(9090, gatewayVariables["operationsPort"]!.GetValue<int>());
        var gatewayTemplate = gateway["properties"]!["template"]!;
        var rule = gatewayTemplate["scale"]!["rules"]!.AsArray().Single()!;
        Assert.Equal("[string(parameters('connectionsPerReplica'))]", rule["http"]!["metadata"]!["concurrentRequests"]!.GetValue<string>());
        Assert.Equal("[parameters('minReplicas')]", gatewayTemplate["scale"]!["minReplicas"]!.GetValue<string>());
        Assert.Contains("parameters('drainWindowSeconds')", gatewayTemplate["terminationGracePeriodSeconds"]!.GetValue<string>(), StringComparison.Ordinal);
        var gatewayEnv = Env(gatewayTemplate);
        Assert.Contains("parameters('heartbeatSeconds')", gatewayEnv["Relay__HeartbeatInterval"], StringComparison.Ordinal);
        Assert.Contains("parameters('drainWindowSeconds')", gatewayEnv["Relay__DrainWindow"], StringComparison.Ordinal);
        Assert.Equal("Hosted", gatewayEnv["Relay__Mode"]);
        Assert.Equal("External", gatewayEnv["Relay__Silo__Mode"]);
        Assert.Equal("secretRef:signing-key", gatewayEnv["Relay__Auth__SigningKey"]);
        AssertProbes(gatewayTemplate, "[variables('operationsPort')]");
        AssertUserAssignedIdentity(gateway);

        // Storage by URI and managed identity, shared by both; no account key anywhere.
        var shared = SharedEnv(siloParameters);
        Assert.Equal(shared, SharedEnv(gatewayDeployment["properties"]!["parameters"]!));
        Assert.Contains("outputs.tableEndpoint.value", shared["Relay__Storage__TableServiceUri"], StringComparison.Ordinal);
        Assert.Contains("outputs.blobEndpoint.value", shared["Relay__Storage__BlobServiceUri"], StringComparison.Ordinal);
        Assert.Contains(".clientId", shared["Relay__Storage__ManagedIdentityClientId"], StringComparison.Ordinal);
        Assert.DoesNotContain("Relay__Storage__ConnectionString", shared.Keys.Concat(siloEnv.Keys).Concat(gatewayEnv.Keys));
        foreach (var file in Directory.GetFiles(Path.Combine(RepoDirectory.Root, "deploy", "azure"), "*.bicep", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "environment.bicep"))
        {
            // Only the log workspace's key is ever read (for the environment's log shipping); never a storage key.
            Assert.DoesNotContain("listKeys", File.ReadAllText(file), StringComparison.Ordinal);
        }

        var storage = Resources(Deployment(template, "storage")).ToList();
        var account = storage.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts");
        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("Deny", account["properties"]!["networkAcls"]!["defaultAction"]!.GetValue<string>());
        var roles = storage.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments").ToList();
        Assert.Equal(2, roles.Count);
        var roleIds = Deployment(template, "storage")["properties"]!["template"]!["variables"]!["roles"]!.AsObject();
        var granted = roles.Select(r => r["properties"]!["roleDefinitionId"]!.GetValue<string>())
            .Select(id => Regex.Match(id, @"^\[subscriptionResourceId\('Microsoft.Authorization/roleDefinitions', variables\('roles'\)\.(\w+)\)\]$"))
            .Select(m => Assert.IsType<JsonValue>(roleIds[m.Groups[1].Value], exactMatch: false).GetValue<string>())
            .ToList();
        Assert.Equal([TableDataContributor, BlobDataContributor], granted.Order(StringComparer.Ordinal));
        Assert.All(roles, r => Assert.Equal("ServicePrincipal", r["properties"]!["principalType"]!.GetValue<string>()));
        Assert.Equal("[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', format('{0}-identity', parameters('namePrefix'))), '2023-01-31').principalId]",
            Value(Deployment(template, "storage")["properties"]!["parameters"]!, "principalId"));

        // The environment runs on the virtual network's subnet.
        var environment = Resources(Deployment(template, "environment")).Single(r => r["type"]!.GetValue<string>() == "Microsoft.App/managedEnvironments");
        Assert.Equal("[parameters('infrastructureSubnetId')]", environment["properties"]!["vnetConfiguration"]!["infrastructureSubnetId"]!.GetValue<string>());
        Assert.Contains("network", Value(Deployment(template, "environment")["properties"]!["parameters"]!, "infrastructureSubnetId"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task ParametersFile_NamesOnlyParametersOfMainBicep()
    {
        var (template, _) = await Bicep.BuildAsync(Path.Combine(RepoDirectory.Root, "deploy", "azure", "main.bicep"));
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoDirectory.Root, "deploy", "azure", "main.parameters.json")))!;
        var declared = template["parameters"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var given = file["parameters"]!.AsObject().Select(p => p.Key).ToList();
        Assert.NotEmpty(given);
        Assert.All(given, name => Assert.Contains(name, declared));
        Assert.All(template["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null), p => Assert.Contains(p.Key, given));
    }

    private static int Default(JsonObject parameters, string name) => parameters[name]!["defaultValue"]!.GetValue<int>();

    private static Dictionary<string, string> SharedEnv(JsonNode parameters) =>
        parameters["sharedEnv"]!["value"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());

    private static string Value(JsonNode parameters, string name) => parameters[name]!["value"]!.GetValue<string>();

    /// <summary>The module deployment named <paramref name="symbol"/> (its copy name, or its deployment name).</summary>
    private static JsonNode Deployment(JsonObject template, string symbol) =>
        template["resources"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "Microsoft.Resources/deployments"
            && (r["copy"]?["name"]?.GetValue<string>() == symbol || r["name"]!.GetValue<string>() == symbol))!;

    private static JsonNode App(JsonNode deployment) =>
        Resources(deployment).Single(r => r["type"]!.GetValue<string>() == "Microsoft.App/containerApps");

    /// <summary>A module's resources: an array, or (language version 2.0, when it declares functions) an object by symbol.</summary>
    private static IEnumerable<JsonNode> Resources(JsonNode deployment) =>
        deployment["properties"]!["template"]!["resources"] switch
        {
            JsonArray array => array.Select(r => r!),
            JsonObject symbols => symbols.Select(r => r.Value!),
            _ => [],
        };

    /// <summary>
    /// The container's own variables, from the ARM expression Bicep writes for them
    /// (<c>concat(parameters('sharedEnv'), createArray(createObject('name', N, 'value', V), …))</c>): name to the
    /// value's expression, or to <c>secretRef:NAME</c>.
    /// </summary>
    private static Dictionary<string, string> Env(JsonNode appTemplate)
    {
        var expression = appTemplate["containers"]![0]!["env"]!.GetValue<string>();
        Assert.StartsWith("[concat(parameters('sharedEnv'), ", expression, StringComparison.Ordinal);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in EnvEntry().Matches(expression))
        {
            var start = match.Index + match.Length;
            var depth = 0;
            var end = start;
            while (depth > 0 || expression[end] != ')')
            {
                depth += expression[end] switch { '(' => 1, ')' => -1, _ => 0 };
                end++;
            }

            var value = expression[start..end];
            env[match.Groups[1].Value] = match.Groups[2].Value == "secretRef" ? "secretRef:" + value.Trim('\'') : value.Trim('\'');
        }

        return env;
    }

    [GeneratedRegex(@"createObject\('name', '([A-Za-z_]+)', '(value|secretRef)', ")]
    private static partial Regex EnvEntry();

    private static void AssertProbes(JsonNode appTemplate, string port)
    {
        var probes = appTemplate["containers"]![0]!["probes"]!.AsArray().ToDictionary(p => p!["type"]!.GetValue<string>(), p => p!["httpGet"]!);
        Assert.Equal("/healthz", probes["Liveness"]["path"]!.GetValue<string>());
        Assert.Equal("/readyz", probes["Readiness"]["path"]!.GetValue<string>());
        Assert.Equal("/healthz", probes["Startup"]["path"]!.GetValue<string>());
        Assert.All(probes.Values, p => Assert.Equal(port, p["port"]!.GetValue<string>()));
    }

    private static void AssertUserAssignedIdentity(JsonNode app) =>
        Assert.Equal("UserAssigned", app["identity"]!["type"]!.GetValue<string>());
}
