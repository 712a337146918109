using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class DataConnectionTests : IClassFixture<EmulatorFixture>
{
    private const string Version = "?api-version=2024-04-13";
    private readonly EmulatorFixture emulator;

    public DataConnectionTests(EmulatorFixture emulator) => this.emulator = emulator;

    private static string Path(string name) => $"{EmulatorFixture.Database}/dataConnections/{name}{Version}";

    private async Task<JsonObject> CreateAsync(string name, JsonObject body, string expectedStatus = "Succeeded")
    {
        using var put = await emulator.SendAsync(HttpMethod.Put, Path(name), body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var operation = await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation"));
        Assert.Equal(expectedStatus, operation["status"]!.GetValue<string>());
        return operation;
    }

    [Fact]
    public async Task An_iot_hub_connection_goes_through_create_poll_get_list_delete_like_ARM()
    {
        var name = EmulatorFixture.NewName();
        var cg = await emulator.NewConsumerGroupAsync();

        using var put = await emulator.SendAsync(HttpMethod.Put, Path(name), EmulatorFixture.IotHubConnection(cg));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var asyncOperation = EmulatorFixture.Header(put, "Azure-AsyncOperation");
        Assert.StartsWith(emulator.Host.BaseUri + "subscriptions/" + DefaultWorld.SubscriptionId + "/providers/Microsoft.Kusto/locations/Central US/operationResults/", asyncOperation, StringComparison.Ordinal);
        Assert.Null(put.Headers.Location);
        Assert.False(put.Headers.Contains("Retry-After"));
        var created = await EmulatorFixture.ReadJsonAsync(put);
        Assert.Equal("Creating", created["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal("centralus", created["location"]!.GetValue<string>());

        using (var first = await emulator.GetAsync(new Uri(asyncOperation).PathAndQuery))
        {
            var running = await EmulatorFixture.ReadJsonAsync(first);
            Assert.Equal("Running", running["status"]!.GetValue<string>());
            Assert.True(running["percentComplete"]!.GetValue<double>() < 1.0);
        }

        var done = await emulator.PollAsync(asyncOperation);
        Assert.Equal("Succeeded", done["status"]!.GetValue<string>());
        Assert.Equal(1.0, done["percentComplete"]!.GetValue<double>());
        Assert.NotNull(done["endTime"]);

        using var get = await emulator.GetAsync(Path(name));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var resource = await EmulatorFixture.ReadJsonAsync(get);
        Assert.Equal($"/subscriptions/{DefaultWorld.SubscriptionId}/resourceGroups/testrg/providers/Microsoft.Kusto/Clusters/mykustocluster/Databases/mykustodatabase/DataConnections/{name}", resource["id"]!.GetValue<string>());
        Assert.Equal($"mykustocluster/mykustodatabase/{name}", resource["name"]!.GetValue<string>());
        Assert.Equal("Microsoft.Kusto/Clusters/Databases/DataConnections", resource["type"]!.GetValue<string>());
        Assert.Equal("Central US", resource["location"]!.GetValue<string>());
        Assert.Equal("IotHub", resource["kind"]!.GetValue<string>());
        var properties = resource["properties"]!;
        Assert.Equal("Succeeded", properties["provisioningState"]!.GetValue<string>());
        Assert.Equal(cg, properties["consumerGroup"]!.GetValue<string>());
        Assert.Equal("Single", properties["databaseRouting"]!.GetValue<string>());
        Assert.NotNull(properties["retrievalStartDate"]);
        Assert.Empty(properties["eventSystemProperties"]!.AsArray());

        using var list = await emulator.GetAsync($"{EmulatorFixture.Database}/dataConnections{Version}");
        var names = (await EmulatorFixture.ReadJsonAsync(list))["value"]!.AsArray().Select(v => v!["name"]!.GetValue<string>());
        Assert.Contains($"mykustocluster/mykustodatabase/{name}", names);

        using var delete = await emulator.SendAsync(HttpMethod.Delete, Path(name));
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        var location = delete.Headers.Location!;
        Assert.Contains("Central%20US", location.OriginalString, StringComparison.Ordinal);
        Assert.Contains("operationResultResponseType=Location", location.OriginalString, StringComparison.Ordinal);
        using (var pending = await emulator.GetAsync(location.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        }

        var deleted = await emulator.PollAsync(EmulatorFixture.Header(delete, "Azure-AsyncOperation"));
        Assert.Equal("Succeeded", deleted["status"]!.GetValue<string>());
        using (var final = await emulator.GetAsync(location.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        }

        using var gone = await emulator.GetAsync(Path(name));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var error = (await EmulatorFixture.ReadJsonAsync(gone))["error"]!;
        Assert.Equal("ResourceNotFound", error["code"]!.GetValue<string>());
        Assert.Equal($"The resource with identifier '/subscriptions/{DefaultWorld.SubscriptionId}/resourceGroups/testrg/providers/Microsoft.Kusto/Clusters/mykustocluster/Databases/mykustodatabase/DataConnections/{name}' is not found.", error["message"]!.GetValue<string>());

        using var again = await emulator.SendAsync(HttpMethod.Delete, Path(name));
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Fact]
    public async Task Updating_answers_200_Accepted_and_patch_merges_properties()
    {
        var name = EmulatorFixture.NewName();
        await CreateAsync(name, EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()));

        var update = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync(), table: DefaultWorld.TelemetryTable, mapping: DefaultWorld.TelemetryJsonMapping, format: "JSON");
        using var put = await emulator.SendAsync(HttpMethod.Put, Path(name), update);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Accepted", (await EmulatorFixture.ReadJsonAsync(put))["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation")))["status"]!.GetValue<string>());

        var patch = new JsonObject { ["kind"] = "IotHub", ["properties"] = new JsonObject { ["eventSystemProperties"] = new JsonArray("message-id") } };
        using var patched = await emulator.SendAsync(HttpMethod.Patch, Path(name), patch);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(patched, "Azure-AsyncOperation")))["status"]!.GetValue<string>());

        using var get = await emulator.GetAsync(Path(name));
        var properties = (await EmulatorFixture.ReadJsonAsync(get))["properties"]!;
        Assert.Equal(DefaultWorld.TelemetryTable, properties["tableName"]!.GetValue<string>());
        Assert.Equal("message-id", properties["eventSystemProperties"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_replaces_the_properties_given_keeps_the_others_and_keeps_the_stored_kind()
    {
        var name = EmulatorFixture.NewName();
        var firstGroup = await emulator.NewConsumerGroupAsync();
        await CreateAsync(name, EmulatorFixture.IotHubConnection(firstGroup));
        var secondGroup = await emulator.NewConsumerGroupAsync();

        // No kind in the body: the stored one is kept. Only consumerGroup and tableName/mapping/format are sent.
        var patch = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["consumerGroup"] = secondGroup, ["tableName"] = DefaultWorld.TelemetryTable,
                ["mappingRuleName"] = DefaultWorld.TelemetryJsonMapping, ["dataFormat"] = "JSON",
            },
        };
        using var patched = await emulator.SendAsync(HttpMethod.Patch, Path(name), patch);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(patched, "Azure-AsyncOperation")))["status"]!.GetValue<string>());

        using var get = await emulator.GetAsync(Path(name));
        var resource = await EmulatorFixture.ReadJsonAsync(get);
        Assert.Equal("IotHub", resource["kind"]!.GetValue<string>());
        var properties = resource["properties"]!;
        Assert.Equal(secondGroup, properties["consumerGroup"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.TelemetryTable, properties["tableName"]!.GetValue<string>());
        Assert.Equal("JSON", properties["dataFormat"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.IotHubResourceId, properties["iotHubResourceId"]!.GetValue<string>());
        Assert.Equal("iothubowner", properties["sharedAccessPolicyName"]!.GetValue<string>());

        // The first consumer group is free again: the patched connection no longer holds it.
        var other = EmulatorFixture.NewName();
        await CreateAsync(other, EmulatorFixture.IotHubConnection(firstGroup));
    }

    [Fact]
    public async Task Patch_with_another_kind_is_refused_with_400_in_ARMs_error_shape_and_changes_nothing()
    {
        var name = EmulatorFixture.NewName();
        var group = await emulator.NewConsumerGroupAsync();
        await CreateAsync(name, EmulatorFixture.IotHubConnection(group));
        emulator.Host.ClearRequestLog();

        var patch = new JsonObject { ["kind"] = "EventHub", ["properties"] = new JsonObject { ["tableName"] = DefaultWorld.TelemetryTable } };
        using var refused = await emulator.SendAsync(HttpMethod.Patch, Path(name), patch);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Azure-AsyncOperation"));
        var body = await EmulatorFixture.ReadJsonAsync(refused);
        Assert.Equal(new[] { "error" }, body.Select(p => p.Key).ToArray());
        Assert.Equal("BadRequest", body["error"]!["code"]!.GetValue<string>());
        Assert.Contains("'IotHub' to 'EventHub'", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        using var get = await emulator.GetAsync(Path(name));
        var resource = await EmulatorFixture.ReadJsonAsync(get);
        Assert.Equal("IotHub", resource["kind"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.StormEventsTable, resource["properties"]!["tableName"]!.GetValue<string>());
        Assert.Equal("Succeeded", resource["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_patches_of_different_properties_sent_at_once_both_survive()
    {
        var name = EmulatorFixture.NewName();
        await CreateAsync(name, EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()));
        var group = await emulator.NewConsumerGroupAsync();

        var first = emulator.SendAsync(HttpMethod.Patch, Path(name), new JsonObject { ["kind"] = "IotHub", ["properties"] = new JsonObject { ["consumerGroup"] = group } });
        var second = emulator.SendAsync(HttpMethod.Patch, Path(name), new JsonObject { ["kind"] = "IotHub", ["properties"] = new JsonObject { ["eventSystemProperties"] = new JsonArray("message-id") } });
        using var a = await first;
        using var b = await second;
        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        await emulator.PollAsync(EmulatorFixture.Header(a, "Azure-AsyncOperation"));
        await emulator.PollAsync(EmulatorFixture.Header(b, "Azure-AsyncOperation"));

        using var get = await emulator.GetAsync(Path(name));
        var properties = (await EmulatorFixture.ReadJsonAsync(get))["properties"]!;
        Assert.Equal(group, properties["consumerGroup"]!.GetValue<string>());
        Assert.Equal("message-id", properties["eventSystemProperties"]![0]!.GetValue<string>());
    }

    public static TheoryData<string, Func<string, JsonObject>, string> BrokenConnections => new()
    {
        { "missing policy", cg => EmulatorFixture.IotHubConnection(cg, policy: "nosuchpolicy"), "SharedAccessPolicyNotFound" },
        { "policy without ServiceConnect", cg => EmulatorFixture.IotHubConnection(cg, policy: "registryRead"), "SharedAccessPolicyLacksServiceConnect" },
        { "missing consumer group", _ => EmulatorFixture.IotHubConnection("nosuchgroup"), "ConsumerGroupNotFound" },
        { "missing table", cg => EmulatorFixture.IotHubConnection(cg, table: "NoSuchTable", mapping: null), "TableNotFound" },
        { "missing mapping", cg => EmulatorFixture.IotHubConnection(cg, mapping: "NoSuchMapping"), "MappingNotFound" },
        { "mapping of another table", cg => EmulatorFixture.IotHubConnection(cg, mapping: DefaultWorld.TelemetryJsonMapping), "MappingNotFound" },
        { "missing hub", cg => EmulatorFixture.IotHubConnection(cg, hubId: DefaultWorld.IotHubResourceId + "nope"), "IotHubNotFound" },
    };

    [Theory]
    [MemberData(nameof(BrokenConnections))]
    public async Task A_create_whose_references_do_not_resolve_ends_Failed(string what, Func<string, JsonObject> body, string code)
    {
        Assert.NotEmpty(what);
        var name = EmulatorFixture.NewName();

        var operation = await CreateAsync(name, body(await emulator.NewConsumerGroupAsync()), expectedStatus: "Failed");

        Assert.Equal(code, operation["error"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(operation["error"]!["message"]!.GetValue<string>()));
        using var get = await emulator.GetAsync(Path(name));
        Assert.Equal("Failed", (await EmulatorFixture.ReadJsonAsync(get))["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_consumer_group_feeds_only_one_data_connection_and_hub_ids_compare_case_insensitively()
    {
        var cg = await emulator.NewConsumerGroupAsync();
        await CreateAsync(EmulatorFixture.NewName(), EmulatorFixture.IotHubConnection(cg));

        var operation = await CreateAsync(EmulatorFixture.NewName(), EmulatorFixture.IotHubConnection(cg, hubId: DefaultWorld.IotHubResourceId.ToUpperInvariant()), expectedStatus: "Failed");

        Assert.Equal("ConsumerGroupInUse", operation["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Event_hub_event_grid_and_cosmos_db_connections_are_created_against_the_default_world()
    {
        var eventHub = new JsonObject
        {
            ["location"] = "Central US", ["kind"] = "EventHub",
            ["properties"] = new JsonObject { ["eventHubResourceId"] = DefaultWorld.EventHubResourceId, ["consumerGroup"] = "$Default", ["managedIdentityResourceId"] = DefaultWorld.ManagedIdentityResourceId },
        };
        var eventGrid = new JsonObject
        {
            ["kind"] = "EventGrid",
            ["properties"] = new JsonObject
            {
                ["storageAccountResourceId"] = DefaultWorld.StorageAccountResourceId, ["eventHubResourceId"] = DefaultWorld.EventHubResourceId,
                ["consumerGroup"] = "kusto", ["tableName"] = DefaultWorld.StormEventsTable, ["dataFormat"] = "csv",
            },
        };
        var cosmos = new JsonObject
        {
            ["kind"] = "CosmosDb",
            ["properties"] = new JsonObject
            {
                ["tableName"] = DefaultWorld.TelemetryTable, ["managedIdentityResourceId"] = DefaultWorld.ManagedIdentityResourceId,
                ["cosmosDbAccountResourceId"] = DefaultWorld.CosmosDbAccountResourceId, ["cosmosDbDatabase"] = "mydb", ["cosmosDbContainer"] = "mycontainer",
            },
        };

        foreach (var (body, kind) in new[] { (eventHub, "EventHub"), (eventGrid, "EventGrid"), (cosmos, "CosmosDb") })
        {
            var name = EmulatorFixture.NewName(kind.ToLowerInvariant());
            await CreateAsync(name, body);
            using var get = await emulator.GetAsync(Path(name));
            var resource = await EmulatorFixture.ReadJsonAsync(get);
            Assert.Equal(kind, resource["kind"]!.GetValue<string>());
            Assert.Equal("Succeeded", resource["properties"]!["provisioningState"]!.GetValue<string>());
            if (kind != "EventGrid")
            {
                Assert.Equal("c4b3a291-8f7e-4d6c-9b5a-4f3e2d1c0b9a", resource["properties"]!["managedIdentityObjectId"]!.GetValue<string>());
            }
        }

        // The event hub's "$Default" group is now taken.
        var second = EmulatorFixture.NewName();
        var failed = await CreateAsync(second, (JsonObject)eventHub.DeepClone(), expectedStatus: "Failed");
        Assert.Equal("ConsumerGroupInUse", failed["error"]!["code"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> MalformedBodies => new()
    {
        { "dc-ok", """{"properties":{"iotHubResourceId":"x","consumerGroup":"c","sharedAccessPolicyName":"p"}}""", "InvalidPayload" },
        { "dc-ok", """{"kind":"Kafka","properties":{}}""", "InvalidPayload" },
        { "dc-ok", """{"kind":"IotHub","properties":{"consumerGroup":"c","sharedAccessPolicyName":"p"}}""", "InvalidPayload" },
        { "dc-ok", """{"kind":"IotHub","properties":{"iotHubResourceId":"x","consumerGroup":"c","sharedAccessPolicyName":"p","dataFormat":"XML"}}""", "InvalidPayload" },
        { "bad_name!", """{"kind":"IotHub","properties":{"iotHubResourceId":"x","consumerGroup":"c","sharedAccessPolicyName":"p"}}""", "BadRequest" },
        { new string('a', 41), """{"kind":"IotHub","properties":{"iotHubResourceId":"x","consumerGroup":"c","sharedAccessPolicyName":"p"}}""", "BadRequest" },
        { "dc-ok", """{"kind":""", "InvalidRequestContent" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_put_is_answered_400_synchronously(string name, string body, string code)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, Path(Uri.EscapeDataString(name)).TrimStart('/')) { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await emulator.TokenAsync());

        using var response = await emulator.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await EmulatorFixture.ReadJsonAsync(response))["error"]!["code"]!.GetValue<string>());
        Assert.False(response.Headers.Contains("Azure-AsyncOperation"));
    }

    [Fact]
    public async Task Validation_reports_every_problem_at_once_and_an_empty_list_when_valid()
    {
        var invalid = new JsonObject
        {
            ["dataConnectionName"] = EmulatorFixture.NewName(),
            ["properties"] = EmulatorFixture.IotHubConnection("nosuchgroup", policy: "nosuchpolicy", table: "NoSuchTable", mapping: null),
        };
        var problems = await ValidateAsync(invalid);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("nosuchpolicy", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("nosuchgroup", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("NoSuchTable", StringComparison.Ordinal));

        var valid = new JsonObject
        {
            ["dataConnectionName"] = EmulatorFixture.NewName(),
            ["properties"] = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()),
        };
        Assert.Empty(await ValidateAsync(valid));
    }

    private async Task<System.Collections.Generic.List<string>> ValidateAsync(JsonObject body)
    {
        using var post = await emulator.SendAsync(HttpMethod.Post, $"{EmulatorFixture.Database}/dataConnectionValidation{Version}", body);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        Assert.NotEmpty(EmulatorFixture.Header(post, "Azure-AsyncOperation"));
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(post, "Azure-AsyncOperation")))["status"]!.GetValue<string>());
        using var result = await emulator.GetAsync(post.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        return (await EmulatorFixture.ReadJsonAsync(result))["value"]!.AsArray().Select(v => v!["errorMessage"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task Check_name_availability_answers_available_taken_and_invalid()
    {
        var name = EmulatorFixture.NewName();
        async Task<JsonObject> CheckAsync(string candidate)
        {
            using var response = await emulator.SendAsync(HttpMethod.Post, $"{EmulatorFixture.Database}/checkNameAvailability{Version}",
                new JsonObject { ["name"] = candidate, ["type"] = "Microsoft.Kusto/clusters/databases/dataConnections" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await EmulatorFixture.ReadJsonAsync(response);
        }

        Assert.True((await CheckAsync(name))["nameAvailable"]!.GetValue<bool>());
        await CreateAsync(name, EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()));
        var taken = await CheckAsync(name.ToUpperInvariant());
        Assert.False(taken["nameAvailable"]!.GetValue<bool>());
        Assert.Equal("AlreadyExists", taken["reason"]!.GetValue<string>());
        Assert.Equal("Invalid", (await CheckAsync("no/slashes"))["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routes_are_case_insensitive_and_ids_keep_the_service_casing()
    {
        var name = EmulatorFixture.NewName();
        await CreateAsync(name, EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()));
        var shouting = $"/SUBSCRIPTIONS/{DefaultWorld.SubscriptionId}/RESOURCEGROUPS/TESTRG/PROVIDERS/MICROSOFT.KUSTO/CLUSTERS/MYKUSTOCLUSTER/DATABASES/MYKUSTODATABASE/DATACONNECTIONS/{name.ToUpperInvariant()}{Version}";

        using var response = await emulator.GetAsync(shouting);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith($"/Clusters/mykustocluster/Databases/mykustodatabase/DataConnections/{name}", (await EmulatorFixture.ReadJsonAsync(response))["id"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "MissingApiVersionParameter", HttpStatusCode.BadRequest)]
    [InlineData("?api-version=2019-01-01", "InvalidApiVersionParameter", HttpStatusCode.BadRequest)]
    [InlineData("?api-version=2022-11-11", null, HttpStatusCode.OK)]
    [InlineData("?api-version=2023-08-15", null, HttpStatusCode.OK)]
    public async Task The_api_version_is_required_and_checked(string query, string? code, HttpStatusCode status)
    {
        using var response = await emulator.GetAsync($"{EmulatorFixture.Database}/dataConnections{query}");

        Assert.Equal(status, response.StatusCode);
        if (code is not null)
        {
            Assert.Equal(code, (await EmulatorFixture.ReadJsonAsync(response))["error"]!["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Unknown_subscription_and_resource_group_are_404_with_ARM_codes()
    {
        using var subscription = await emulator.GetAsync($"/subscriptions/{Guid.NewGuid()}/resourceGroups/testrg{Version}");
        Assert.Equal(HttpStatusCode.NotFound, subscription.StatusCode);
        Assert.Equal("SubscriptionNotFound", (await EmulatorFixture.ReadJsonAsync(subscription))["error"]!["code"]!.GetValue<string>());

        using var group = await emulator.GetAsync($"{EmulatorFixture.Sub}/resourceGroups/nosuchrg/providers/Microsoft.Kusto/clusters/mykustocluster{Version}");
        Assert.Equal(HttpStatusCode.NotFound, group.StatusCode);
        Assert.Equal("ResourceGroupNotFound", (await EmulatorFixture.ReadJsonAsync(group))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Responses_carry_request_and_echoed_correlation_ids_and_rate_limit_headers()
    {
        var correlation = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{EmulatorFixture.Database}{Version}".TrimStart('/'));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await emulator.TokenAsync());
        request.Headers.Add("x-ms-correlation-request-id", correlation);

        using var response = await emulator.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(correlation, EmulatorFixture.Header(response, "x-ms-correlation-request-id"));
        Assert.True(Guid.TryParse(EmulatorFixture.Header(response, "x-ms-request-id"), out _));
        Assert.NotEmpty(EmulatorFixture.Header(response, "x-ms-ratelimit-remaining-subscription-reads"));
    }
}
