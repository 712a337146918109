using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>An emulator seeded with a world holding the resources the official examples name.</summary>
public sealed class ExampleWorldFixture : EmulatorFixture
{
    public const string TenantId = "0d3c8a1e-1111-4a2b-9c3d-4e5f6a7b8c9d";
    public const string ClientId = "2c1b0a9f-2222-4e3d-8c7b-6a5f4e3d2c1b";
    public const string Secret = "example-world-secret-1";
    public const string KustoSubscription = "12345678-1234-1234-1234-123456789098";
    public const string DevicesSubscription = "91d12660-3dec-467a-be2a-213b5544ddc0";

    private readonly string worldFile = Path.Combine(Path.GetTempPath(), "kc-example-world-" + Guid.NewGuid().ToString("N") + ".json");

    protected override (string Tenant, string ClientId, string Secret) DefaultPrincipal => (TenantId, ClientId, Secret);

    protected override EmulatorOptions Options => new() { OperationDuration = TimeSpan.FromSeconds(0.1), WorldFile = worldFile };

    public override async Task InitializeAsync()
    {
        var table = new JsonObject { ["name"] = "TestTable", ["mappings"] = new JsonArray(new JsonObject { ["name"] = "TestMapping", ["kind"] = "Json" }) };
        var world = new JsonObject
        {
            ["tenants"] = new JsonArray(new JsonObject { ["id"] = TenantId }),
            ["servicePrincipals"] = new JsonArray(new JsonObject
            {
                ["tenantId"] = TenantId, ["clientId"] = ClientId, ["clientSecret"] = Secret,
                ["roleAssignments"] = new JsonArray(
                    new JsonObject { ["scope"] = "/subscriptions/" + KustoSubscription, ["role"] = "Contributor" },
                    new JsonObject { ["scope"] = "/subscriptions/" + DevicesSubscription, ["role"] = "Owner" }),
            }),
            ["subscriptions"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = KustoSubscription, ["tenantId"] = TenantId, ["displayName"] = "examples",
                    ["resourceGroups"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "kustorptest", ["location"] = "westus",
                        ["kustoClusters"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "kustoCluster", ["location"] = "West US",
                            ["databases"] = new JsonArray(
                                new JsonObject { ["name"] = "KustoDatabase8", ["tables"] = new JsonArray(table.DeepClone()) },
                                new JsonObject { ["name"] = "KustoDatabase1", ["tables"] = new JsonArray(table.DeepClone()) }),
                        }),
                        ["eventHubNamespaces"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "eventhubTestns1",
                            ["eventHubs"] = new JsonArray(
                                new JsonObject { ["name"] = "eventhubTest1", ["consumerGroups"] = new JsonArray("$Default", "testConsumerGroup1") },
                                new JsonObject { ["name"] = "eventhubTest2", ["consumerGroups"] = new JsonArray("$Default", "testConsumerGroup1") }),
                        }),
                        ["storageAccounts"] = new JsonArray(new JsonObject { ["name"] = "teststorageaccount" }),
                        ["cosmosDbAccounts"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "cosmosDbAccountTest1",
                            ["sqlDatabases"] = new JsonArray(new JsonObject { ["name"] = "cosmosDbDatabaseTest", ["containers"] = new JsonArray("cosmosDbContainerTest") }),
                        }),
                        ["userAssignedIdentities"] = new JsonArray(new JsonObject { ["name"] = "managedidentityTest1", ["principalId"] = Guid.NewGuid().ToString() }),
                    }),
                },
                new JsonObject
                {
                    ["id"] = DevicesSubscription, ["tenantId"] = TenantId, ["displayName"] = "devices examples",
                    ["resourceGroups"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "myResourceGroup",
                        ["iotHubs"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "testHub", ["location"] = "centraluseuap",
                            ["sharedAccessPolicies"] = new JsonArray(
                                Policy("iothubowner", "RegistryWrite, ServiceConnect, DeviceConnect"), Policy("service", "ServiceConnect"),
                                Policy("device", "DeviceConnect"), Policy("registryRead", "RegistryRead"), Policy("registryReadWrite", "RegistryWrite")),
                            ["consumerGroups"] = new JsonArray("$Default", "test"),
                        }),
                    }),
                }),
        };
        await File.WriteAllTextAsync(worldFile, world.ToJsonString());
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(worldFile);
    }

    public Task<string> ExampleTokenAsync() => TokenAsync(ClientId, Secret, TenantId);

    private static JsonObject Policy(string name, string rights) =>
        new() { ["keyName"] = name, ["rights"] = rights, ["primaryKey"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()), ["secondaryKey"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) };
}

/// <summary>Replays the official examples of the specs: each request is accepted and answered with the example's status and shape.</summary>
public sealed class ExampleReplayTests : IClassFixture<ExampleWorldFixture>
{
    private readonly ExampleWorldFixture emulator;

    public ExampleReplayTests(ExampleWorldFixture emulator) => this.emulator = emulator;

    /// <summary>The spec examples copied into the repository: tests/data/arm-spec (tests/data/README.md says where they come from).</summary>
    private static string ArmSpecExamples
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KustoConnect.sln")))
            {
                dir = dir.Parent;
            }

            Assert.NotNull(dir);
            return Path.Combine(dir!.FullName, "tests", "data", "arm-spec");
        }
    }

    private static JsonObject Load(string file) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(ArmSpecExamples, file)))!;

    private static string P(JsonObject parameters, string name) => parameters[name]!.GetValue<string>();

    private static string DatabasePath(JsonObject p) =>
        $"/subscriptions/{P(p, "subscriptionId")}/resourceGroups/{P(p, "resourceGroupName")}/providers/Microsoft.Kusto/clusters/{P(p, "clusterName")}/databases/{P(p, "databaseName")}";

    private static string HubPath(JsonObject p) =>
        $"/subscriptions/{P(p, "subscriptionId")}/resourceGroups/{P(p, "resourceGroupName")}/providers/Microsoft.Devices/IotHubs/{P(p, "resourceName")}";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body = null) =>
        await emulator.SendAsync(method, path, body, await emulator.ExampleTokenAsync());

    /// <summary>Every property name of the example's body appears in ours, recursively through objects (arrays: first element).</summary>
    private static void AssertShape(JsonNode? expected, JsonNode? actual, string where)
    {
        switch (expected)
        {
            case JsonObject e:
                var a = Assert.IsType<JsonObject>(actual);
                foreach (var (key, value) in e)
                {
                    var match = a.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase));
                    Assert.True(match.Key is not null, $"{where}.{key} is missing from the emulator's answer: {a.ToJsonString()}");
                    if (value is JsonObject or JsonArray && match.Value is not null)
                    {
                        AssertShape(value, match.Value, where + "." + key);
                    }
                }

                break;
            case JsonArray e when e.Count > 0 && actual is JsonArray a2 && a2.Count > 0:
                AssertShape(e[0], a2[0], where + "[0]");
                break;
        }
    }

    /// <summary>
    /// The example's PUT/PATCH answer without the server-filled values the request did not send (managedIdentityObjectId,
    /// compression): recorded traffic (recordings/dotnet-EventHubDataConnectionTests.json) shows the service echoing only
    /// what was sent plus provisioningState, and the emulator follows the recordings where the synthetic examples differ.
    /// </summary>
    private static JsonObject WithoutUnsentDefaults(JsonNode response, JsonNode request)
    {
        var copy = response.DeepClone().AsObject();
        var sent = request["properties"]!.AsObject();
        var properties = copy["properties"]!.AsObject();
        foreach (var key in new[] { "managedIdentityObjectId", "compression" })
        {
            if (!sent.ContainsKey(key))
            {
                properties.Remove(key);
            }
        }

        return copy;
    }

    /// <summary>The PUT body that recreates the resource an example shows: kind, location, writable properties.</summary>
    private static JsonObject BodyFrom(JsonObject resource)
    {
        var properties = (JsonObject)resource["properties"]!.DeepClone();
        properties.Remove("provisioningState");
        properties.Remove("managedIdentityObjectId");
        return new JsonObject { ["location"] = resource["location"]?.DeepClone(), ["kind"] = resource["kind"]!.DeepClone(), ["properties"] = properties };
    }

    /// <summary>Creates the connection afresh (the examples reuse names across kinds, and a kind cannot change).</summary>
    private async Task PutAndWaitAsync(string path, JsonObject body, bool requireSuccess = true)
    {
        using (var delete = await SendAsync(HttpMethod.Delete, path))
        {
            if (delete.StatusCode == HttpStatusCode.Accepted)
            {
                Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(delete, "Azure-AsyncOperation")))["status"]!.GetValue<string>());
            }
        }

        using var put = await SendAsync(HttpMethod.Put, path, body);
        Assert.True(put.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"PUT {path} answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        var operation = await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation"));
        if (requireSuccess)
        {
            Assert.Equal("Succeeded", operation["status"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("kusto-examples/KustoDataConnectionsCreateOrUpdate.json")]
    [InlineData("kusto-examples/KustoDataConnectionsEventGridCreateOrUpdate.json")]
    [InlineData("kusto-examples/KustoDataConnectionsCosmosDbCreateOrUpdate.json")]
    [InlineData("kusto-examples/2024-04-13/KustoDataConnectionsCosmosDbCreateOrUpdate.json")]
    public async Task Create_examples_are_accepted_with_201_and_the_example_shape(string file)
    {
        var example = Load(file);
        var p = (JsonObject)example["parameters"]!;
        var path = $"{DatabasePath(p)}/dataConnections/{P(p, "dataConnectionName")}?api-version={P(p, "api-version")}";
        using (var delete = await SendAsync(HttpMethod.Delete, path))
        {
            if (delete.StatusCode == HttpStatusCode.Accepted)
            {
                await emulator.PollAsync(EmulatorFixture.Header(delete, "Azure-AsyncOperation"));
            }
        }

        using var put = await SendAsync(HttpMethod.Put, path, p["parameters"]!.DeepClone());

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var body = await EmulatorFixture.ReadJsonAsync(put);
        AssertShape(WithoutUnsentDefaults(example["responses"]!["201"]!["body"]!, p["parameters"]!), body, file);
        var exampleId = example["responses"]!["201"]!["body"]!["id"]!.GetValue<string>();
        Assert.Equal(exampleId[..(exampleId.LastIndexOf('/') + 1)] + P(p, "dataConnectionName"), body["id"]!.GetValue<string>());
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation")))["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("kusto-examples/KustoDataConnectionsGet.json")]
    [InlineData("kusto-examples/KustoDataConnectionsEventGridGet.json")]
    [InlineData("kusto-examples/KustoDataConnectionsCosmosDbGet.json")]
    public async Task Get_examples_answer_200_with_the_example_shape(string file)
    {
        var example = Load(file);
        var p = (JsonObject)example["parameters"]!;
        var expected = (JsonObject)example["responses"]!["200"]!["body"]!;
        var name = expected["id"]!.GetValue<string>().Split('/').Last();
        var path = $"{DatabasePath(p)}/dataConnections/{name}?api-version={P(p, "api-version")}";
        await PutAndWaitAsync(path, BodyFrom(expected));

        using var get = await SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var actual = await EmulatorFixture.ReadJsonAsync(get);
        AssertShape(expected, actual, file);
        Assert.Equal(expected["id"]!.GetValue<string>(), actual["id"]!.GetValue<string>());
        Assert.Equal(expected["type"]!.GetValue<string>(), actual["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("kusto-examples/KustoDataConnectionsUpdate.json")]
    [InlineData("kusto-examples/KustoDataConnectionsEventGridUpdate.json")]
    [InlineData("kusto-examples/KustoDataConnectionsCosmosDbUpdate.json")]
    public async Task Update_examples_are_accepted_as_a_patch_of_an_existing_connection(string file)
    {
        var example = Load(file);
        var p = (JsonObject)example["parameters"]!;
        var path = $"{DatabasePath(p)}/dataConnections/{P(p, "dataConnectionName")}?api-version={P(p, "api-version")}";
        var update = (JsonObject)p["parameters"]!;
        await PutAndWaitAsync(path, (JsonObject)update.DeepClone());

        using var patch = await SendAsync(HttpMethod.Patch, path, update.DeepClone());

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        AssertShape(WithoutUnsentDefaults(example["responses"]!["200"]!["body"]!, update), await EmulatorFixture.ReadJsonAsync(patch), file);
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(patch, "Azure-AsyncOperation")))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_delete_example_answers_202_and_the_list_example_200()
    {
        var example = Load("kusto-examples/KustoDataConnectionsDelete.json");
        var p = (JsonObject)example["parameters"]!;
        var path = $"{DatabasePath(p)}/dataConnections/{P(p, "dataConnectionName")}?api-version={P(p, "api-version")}";
        await PutAndWaitAsync(path, (JsonObject)Load("kusto-examples/KustoDataConnectionsCreateOrUpdate.json")["parameters"]!["parameters"]!.DeepClone());

        using var delete = await SendAsync(HttpMethod.Delete, path);
        Assert.Contains(((int)delete.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), example["responses"]!.AsObject().Select(r => r.Key));
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(delete, "Azure-AsyncOperation")))["status"]!.GetValue<string>());

        var list = Load("kusto-examples/KustoDataConnectionsListByDatabase.json");
        var lp = (JsonObject)list["parameters"]!;
        var expected = (JsonObject)list["responses"]!["200"]!["body"]!;
        foreach (var item in expected["value"]!.AsArray())
        {
            var name = item!["id"]!.GetValue<string>().Split('/').Last();
            // The listed connections share event hub consumer groups, so some end Failed (as in the service); they are listed all the same.
            await PutAndWaitAsync($"{DatabasePath(lp)}/dataConnections/{name}?api-version={P(lp, "api-version")}", BodyFrom((JsonObject)item), requireSuccess: false);
        }

        using var response = await SendAsync(HttpMethod.Get, $"{DatabasePath(lp)}/dataConnections?api-version={P(lp, "api-version")}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var actual = await EmulatorFixture.ReadJsonAsync(response);
        AssertShape(expected, actual, "list");
        var ids = actual["value"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()).ToHashSet();
        Assert.All(expected["value"]!.AsArray(), v => Assert.Contains(v!["id"]!.GetValue<string>(), ids));
    }

    [Fact]
    public async Task The_check_name_availability_example_answers_taken_with_its_reason_and_message()
    {
        var example = Load("kusto-examples/KustoDataConnectionsCheckNameAvailability.json");
        var p = (JsonObject)example["parameters"]!;
        var request = (JsonObject)p["dataConnectionName"]!;
        var create = (JsonObject)Load("kusto-examples/KustoDataConnectionsCreateOrUpdate.json")["parameters"]!["parameters"]!.DeepClone();
        create["properties"]!["eventHubResourceId"] = create["properties"]!["eventHubResourceId"]!.GetValue<string>().Replace("eventhubTest1", "eventhubTest2", StringComparison.Ordinal);
        await PutAndWaitAsync($"{DatabasePath(p)}/dataConnections/{request["name"]!.GetValue<string>()}?api-version={P(p, "api-version")}", create);

        using var response = await SendAsync(HttpMethod.Post, $"{DatabasePath(p)}/checkNameAvailability?api-version={P(p, "api-version")}", request.DeepClone());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var actual = await EmulatorFixture.ReadJsonAsync(response);
        var expected = (JsonObject)example["responses"]!["200"]!["body"]!;
        AssertShape(expected, actual, "checkNameAvailability");
        Assert.Equal(expected.ToJsonString(), actual.ToJsonString());
    }

    [Theory]
    [InlineData("kusto-examples/KustoDataConnectionValidationAsync.json")]
    [InlineData("kusto-examples/KustoDataConnectionEventGridValidationAsync.json")]
    [InlineData("kusto-examples/2024-04-13/KustoDataConnectionValidationAsync.json")]
    [InlineData("kusto-examples/2024-04-13/KustoDataConnectionEventGridValidationAsync.json")]
    public async Task Validation_examples_are_accepted_as_long_running_posts(string file)
    {
        var example = Load(file);
        var p = (JsonObject)example["parameters"]!;

        using var post = await SendAsync(HttpMethod.Post, $"{DatabasePath(p)}/dataConnectionValidation?api-version={P(p, "api-version")}", p["parameters"]!.DeepClone());

        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        Assert.True(example["responses"]!.AsObject().ContainsKey("202"));
        Assert.NotEmpty(EmulatorFixture.Header(post, "Azure-AsyncOperation"));
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(post, "Azure-AsyncOperation")))["status"]!.GetValue<string>());
        using var result = await SendAsync(HttpMethod.Get, post.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var value = (await EmulatorFixture.ReadJsonAsync(result))["value"]!.AsArray();
        if (example["responses"]!["200"]?["body"] is JsonArray expected && expected.Count > 0)
        {
            Assert.All(value, v => Assert.NotNull(v!["errorMessage"]));
        }
    }

    [Fact]
    public async Task The_operation_result_examples_have_the_same_shape_as_ours()
    {
        var create = Load("kusto-examples/KustoDataConnectionsCosmosDbCreateOrUpdate.json");
        var p = (JsonObject)create["parameters"]!;
        var path = $"{DatabasePath(p)}/dataConnections/{EmulatorFixture.NewName()}?api-version={P(p, "api-version")}";
        var body = (JsonObject)p["parameters"]!.DeepClone();
        body["properties"]!["tableName"] = "NoSuchTable";
        using var put = await SendAsync(HttpMethod.Put, path, body);
        var status = await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation"));

        var example = (JsonObject)Load("kusto-examples/KustoOperationResultsGet.json")["responses"]!["200"]!["body"]!;
        var expectedKeys = example.Select(k => k.Key).Where(k => k != "properties").ToList();
        Assert.All(expectedKeys, k => Assert.True(status.ContainsKey(k), $"{k} missing from {status.ToJsonString()}"));
        Assert.Equal("Failed", status["status"]!.GetValue<string>());
        Assert.StartsWith($"/subscriptions/{ExampleWorldFixture.KustoSubscription}/providers/Microsoft.Kusto/locations/West US/operationresults/", status["id"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static IEnumerable<object[]> DevicesExamples() => new[]
    {
        new object[] { "iothub-examples/iothub_get.json", "GET", "" },
        new object[] { "iothub-examples/iothub_listkeys.json", "POST", "/listkeys" },
        new object[] { "iothub-examples/iothub_getkey.json", "POST", "/IotHubKeys/{keyName}/listkeys" },
        new object[] { "iothub-examples/iothub_listehgroups.json", "GET", "/eventHubEndpoints/{eventHubEndpointName}/ConsumerGroups" },
        new object[] { "iothub-examples/iothub_getconsumergroup.json", "GET", "/eventHubEndpoints/{eventHubEndpointName}/ConsumerGroups/{name}" },
        new object[] { "iothub-examples/iothub_createconsumergroup.json", "PUT", "/eventHubEndpoints/{eventHubEndpointName}/ConsumerGroups/{name}" },
        new object[] { "iothub-examples/iothub_deleteconsumergroup.json", "DELETE", "/eventHubEndpoints/{eventHubEndpointName}/ConsumerGroups/{name}" },
    };

    [Theory]
    [MemberData(nameof(DevicesExamples))]
    public async Task Iot_hub_examples_answer_with_the_example_status_and_shape(string file, string method, string suffix)
    {
        var example = Load(file);
        var p = (JsonObject)example["parameters"]!;
        foreach (var (key, value) in p)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text))
            {
                suffix = suffix.Replace("{" + key + "}", text, StringComparison.Ordinal);
            }
        }

        using (var ensure = await SendAsync(HttpMethod.Put, $"{HubPath(p)}/eventHubEndpoints/events/ConsumerGroups/test?api-version={P(p, "api-version")}"))
        {
            Assert.Equal(HttpStatusCode.OK, ensure.StatusCode);
        }

        using var response = await SendAsync(new HttpMethod(method), $"{HubPath(p)}{suffix}?api-version={P(p, "api-version")}", p["consumerGroupBody"]?.DeepClone());

        var expected = example["responses"]!.AsObject().First();
        Assert.Equal(expected.Key, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (expected.Value?["body"] is JsonObject body)
        {
            AssertShape(body is { } b && b.ContainsKey("value") ? new JsonObject { ["value"] = b["value"]!.DeepClone() } : body.DeepClone().AsObject().Also(RemoveOptionalHubDetail), await EmulatorFixture.ReadJsonAsync(response), file);
        }
    }

    /// <summary>Hub configuration the emulator does not model (IP filters, storage, messaging, cloud-to-device) is optional in the service's answer too.</summary>
    private static void RemoveOptionalHubDetail(JsonObject body)
    {
        if (body["properties"] is JsonObject properties)
        {
            foreach (var key in new[] { "networkRuleSets", "storageEndpoints", "messagingEndpoints", "cloudToDevice", "ipFilterRules" })
            {
                properties.Remove(key);
            }

            if (properties["locations"] is JsonArray locations && locations.Count > 1)
            {
                properties["locations"] = new JsonArray(locations[0]!.DeepClone());
            }
        }
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject obj, Action<JsonObject> action)
    {
        action(obj);
        return obj;
    }
}
