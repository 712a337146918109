using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class DevicesTests : IClassFixture<EmulatorFixture>
{
    private const string Version = "?api-version=2023-06-30";
    private readonly EmulatorFixture emulator;

    public DevicesTests(EmulatorFixture emulator) => this.emulator = emulator;

    [Fact]
    public async Task An_iot_hub_is_returned_in_the_service_shape()
    {
        using var response = await emulator.GetAsync(EmulatorFixture.IotHub + Version);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hub = await EmulatorFixture.ReadJsonAsync(response);
        Assert.Equal(DefaultWorld.IotHubResourceId, hub["id"]!.GetValue<string>());
        Assert.Equal("Microsoft.Devices/IotHubs", hub["type"]!.GetValue<string>());
        Assert.Equal("centralus", hub["location"]!.GetValue<string>());
        Assert.Equal("S1", hub["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("Succeeded", hub["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.NotNull(hub["properties"]!["eventHubEndpoints"]!["events"]!["partitionCount"]);
    }

    [Fact]
    public async Task Hubs_are_listed_by_resource_group_and_by_subscription()
    {
        using var byGroup = await emulator.GetAsync($"{EmulatorFixture.Rg}/providers/Microsoft.Devices/IotHubs{Version}");
        using var bySubscription = await emulator.GetAsync($"{EmulatorFixture.Sub}/providers/Microsoft.Devices/IotHubs{Version}");

        foreach (var response in new[] { byGroup, bySubscription })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var names = (await EmulatorFixture.ReadJsonAsync(response))["value"]!.AsArray().Select(h => h!["name"]!.GetValue<string>()).ToList();
            Assert.Equal(new[] { DefaultWorld.IotHubName, DefaultWorld.SecondIotHubName }, names);
        }
    }

    [Fact]
    public async Task List_keys_returns_every_policy_with_its_rights_and_one_key_can_be_read()
    {
        using var all = await emulator.SendAsync(HttpMethod.Post, EmulatorFixture.IotHub + "/listkeys" + Version);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var keys = (await EmulatorFixture.ReadJsonAsync(all))["value"]!.AsArray();
        Assert.Equal(new[] { "iothubowner", "service", "iothubforread", "registryRead" }, keys.Select(k => k!["keyName"]!.GetValue<string>()));
        Assert.Equal("RegistryWrite, ServiceConnect, DeviceConnect", keys[0]!["rights"]!.GetValue<string>());
        Assert.All(keys, k => Assert.Equal(44, k!["primaryKey"]!.GetValue<string>().Length));

        using var one = await emulator.SendAsync(HttpMethod.Post, EmulatorFixture.IotHub + "/IotHubKeys/service/listkeys" + Version);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("ServiceConnect", (await EmulatorFixture.ReadJsonAsync(one))["rights"]!.GetValue<string>());

        using var missing = await emulator.SendAsync(HttpMethod.Post, EmulatorFixture.IotHub + "/IotHubKeys/nosuch/listkeys" + Version);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Consumer_groups_can_be_listed_created_read_and_deleted()
    {
        var groups = EmulatorFixture.IotHub.Replace(DefaultWorld.IotHubName, DefaultWorld.SecondIotHubName, StringComparison.Ordinal) + "/eventHubEndpoints/events/ConsumerGroups";
        using (var list = await emulator.GetAsync(groups + Version))
        {
            var names = (await EmulatorFixture.ReadJsonAsync(list))["value"]!.AsArray().Select(g => g!["name"]!.GetValue<string>());
            Assert.Equal(new[] { "$Default", "kusto" }, names);
        }

        using (var put = await emulator.SendAsync(HttpMethod.Put, $"{groups}/analytics{Version}", new JsonObject { ["properties"] = new JsonObject { ["name"] = "analytics" } }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var created = await EmulatorFixture.ReadJsonAsync(put);
            Assert.Equal("Microsoft.Devices/IotHubs/EventHubEndpoints/ConsumerGroups", created["type"]!.GetValue<string>());
        }

        using (var get = await emulator.GetAsync($"{groups}/ANALYTICS{Version}"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        using (var delete = await emulator.SendAsync(HttpMethod.Delete, $"{groups}/analytics{Version}"))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        using var gone = await emulator.GetAsync($"{groups}/analytics{Version}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_other_resources_of_the_world_can_be_looked_up()
    {
        var paths = new[]
        {
            $"{EmulatorFixture.Sub}?api-version=2022-12-01",
            $"{EmulatorFixture.Rg}?api-version=2022-09-01",
            DefaultWorld.EventHubResourceId + "/consumergroups/kusto?api-version=2024-01-01",
            DefaultWorld.StorageAccountResourceId + "?api-version=2023-05-01",
            DefaultWorld.CosmosDbAccountResourceId + "/sqlDatabases/mydb/containers/mycontainer?api-version=2024-05-15",
            DefaultWorld.ManagedIdentityResourceId + "?api-version=2023-01-31",
            $"{EmulatorFixture.Rg}/providers/Microsoft.Kusto/clusters/{DefaultWorld.ClusterName}/databases?api-version=2024-04-13",
        };

        foreach (var path in paths)
        {
            using var response = await emulator.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
    }
}
