using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// The emulator as a process on a data folder: what it acknowledged survives a kill (no graceful shutdown), operations in
/// flight at the kill complete after a restart, and concurrent writes of one resource are serialised.
/// </summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private const string ApiVersion = "api-version=2024-04-13";
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "kc-emulator-durability-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_a_kill_and_an_operation_in_flight_finishes_after_the_restart()
    {
        const int count = 12;
        var names = Enumerable.Range(0, count).Select(_ => EmulatorFixture.NewName("durable")).ToList();
        var consumerGroups = new List<string>();
        string inFlightOperation;
        string deletedName;
        string deleteOperation;

        // Operations take long enough that the last create and the delete are still Running when the process is killed.
        await using (var first = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 3))
        {
            foreach (var name in names)
            {
                var group = await NewConsumerGroupAsync(first);
                consumerGroups.Add(group);
                using var put = await first.SendAsync(HttpMethod.Put, DataConnectionPath(name), EmulatorFixture.IotHubConnection(group));
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }

            using (var lastPut = await first.SendAsync(HttpMethod.Put, DataConnectionPath(names[^1]), EmulatorFixture.IotHubConnection(consumerGroups[^1], table: DefaultWorld.TelemetryTable, mapping: DefaultWorld.TelemetryJsonMapping, format: "JSON")))
            {
                Assert.Equal(HttpStatusCode.OK, lastPut.StatusCode);
                inFlightOperation = EmulatorFixture.Header(lastPut, "Azure-AsyncOperation");
            }

            deletedName = names[0];
            using (var delete = await first.SendAsync(HttpMethod.Delete, DataConnectionPath(deletedName)))
            {
                Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
                deleteOperation = EmulatorFixture.Header(delete, "Azure-AsyncOperation");
            }

            using var running = await first.SendAsync(HttpMethod.Get, EmulatorChildProcess.PathOf(inFlightOperation));
            Assert.Equal("Running", (await EmulatorFixture.ReadJsonAsync(running))["status"]!.GetValue<string>());

            await first.KillAsync();
        }

        await using var second = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 3);
        for (var i = 1; i < count; i++)
        {
            using var get = await second.SendAsync(HttpMethod.Get, DataConnectionPath(names[i]));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var properties = (await EmulatorFixture.ReadJsonAsync(get))["properties"]!;
            Assert.Equal(consumerGroups[i], properties["consumerGroup"]!.GetValue<string>());
        }

        var update = await PollAsync(second, inFlightOperation);
        Assert.Equal("Succeeded", update["status"]!.GetValue<string>());
        using (var updated = await second.SendAsync(HttpMethod.Get, DataConnectionPath(names[^1])))
        {
            var properties = (await EmulatorFixture.ReadJsonAsync(updated))["properties"]!;
            Assert.Equal("Succeeded", properties["provisioningState"]!.GetValue<string>());
            Assert.Equal(DefaultWorld.TelemetryTable, properties["tableName"]!.GetValue<string>());
            Assert.Equal("JSON", properties["dataFormat"]!.GetValue<string>());
        }

        var deletion = await PollAsync(second, deleteOperation);
        Assert.Equal("Succeeded", deletion["status"]!.GetValue<string>());
        using var gone = await second.SendAsync(HttpMethod.Get, DataConnectionPath(deletedName));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Concurrent_PUTs_of_one_data_connection_all_get_an_answer_and_the_result_is_exactly_one_of_them()
    {
        const int count = 16;
        await using var emulator = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0);
        var name = EmulatorFixture.NewName("contended");
        var bodies = new List<JsonObject>();
        for (var i = 0; i < count; i++)
        {
            // Every body differs from every other in consumer group, and half of them in table, mapping and format too:
            // an interleaving of two writes would show as a combination that no request sent.
            bodies.Add(i % 2 == 0
                ? EmulatorFixture.IotHubConnection(await NewConsumerGroupAsync(emulator))
                : EmulatorFixture.IotHubConnection(await NewConsumerGroupAsync(emulator), table: DefaultWorld.TelemetryTable, mapping: DefaultWorld.TelemetryJsonMapping, format: "JSON"));
        }

        using var start = new ManualResetEventSlim();
        var puts = bodies.Select(body => Task.Run(async () =>
        {
            start.Wait();
            using var response = await emulator.SendAsync(HttpMethod.Put, DataConnectionPath(name), body);
            return (response.StatusCode, Body: await EmulatorFixture.ReadJsonAsync(response));
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(puts);

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));

        using var get = await emulator.SendAsync(HttpMethod.Get, DataConnectionPath(name));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var final = (await EmulatorFixture.ReadJsonAsync(get))["properties"]!;
        var matching = bodies.Where(b => Same(b["properties"]!, final)).ToList();
        Assert.Single(matching);
    }

    [Fact]
    public async Task A_restart_after_many_operations_keeps_exactly_the_state_the_clients_saw()
    {
        const int count = 30;
        var operationUrls = new List<string>();
        string listBefore;
        var operationsBefore = new List<string>();
        await using (var first = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0))
        {
            // Creates, updates of every other one, deletes of every fifth: each one a long-running operation, finished
            // at once (duration 0) and applied by the next request.
            var names = Enumerable.Range(0, count).Select(i => $"many-{i:D2}").ToList();
            var groups = new List<string>();
            foreach (var name in names)
            {
                groups.Add(await NewConsumerGroupAsync(first));
                using var put = await first.SendAsync(HttpMethod.Put, DataConnectionPath(name), EmulatorFixture.IotHubConnection(groups[^1]));
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
                operationUrls.Add(EmulatorFixture.Header(put, "Azure-AsyncOperation"));
            }

            for (var i = 0; i < count; i += 2)
            {
                using var update = await first.SendAsync(HttpMethod.Put, DataConnectionPath(names[i]),
                    EmulatorFixture.IotHubConnection(groups[i], table: DefaultWorld.TelemetryTable, mapping: DefaultWorld.TelemetryJsonMapping, format: "JSON"));
                Assert.Equal(HttpStatusCode.OK, update.StatusCode);
                operationUrls.Add(EmulatorFixture.Header(update, "Azure-AsyncOperation"));
            }

            for (var i = 0; i < count; i += 5)
            {
                using var delete = await first.SendAsync(HttpMethod.Delete, DataConnectionPath(names[i]));
                Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
                operationUrls.Add(EmulatorFixture.Header(delete, "Azure-AsyncOperation"));
            }

            listBefore = await ListAsync(first);
            foreach (var url in operationUrls)
            {
                operationsBefore.Add(await OperationAsync(first, url));
            }

            await first.KillAsync();
        }

        Assert.Equal(count - count / 5, JsonNode.Parse(listBefore)!["value"]!.AsArray().Count);
        await using var second = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0);
        Assert.Equal(listBefore, await ListAsync(second));
        for (var i = 0; i < operationUrls.Count; i++)
        {
            Assert.Equal(operationsBefore[i], await OperationAsync(second, operationUrls[i]));
        }

        static async Task<string> ListAsync(EmulatorChildProcess emulator)
        {
            using var list = await emulator.SendAsync(HttpMethod.Get, $"{EmulatorFixture.Database}/dataConnections?{ApiVersion}");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            return (await EmulatorFixture.ReadJsonAsync(list)).ToJsonString();
        }

        static async Task<string> OperationAsync(EmulatorChildProcess emulator, string url)
        {
            using var response = await emulator.SendAsync(HttpMethod.Get, EmulatorChildProcess.PathOf(url));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await EmulatorFixture.ReadJsonAsync(response)).ToJsonString();
        }
    }

    private static bool Same(JsonNode sent, JsonNode stored) =>
        new[] { "consumerGroup", "tableName", "mappingRuleName", "dataFormat", "iotHubResourceId", "sharedAccessPolicyName" }
            .All(p => string.Equals(sent[p]?.GetValue<string>(), stored[p]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase));

    private static string DataConnectionPath(string name) => $"{EmulatorFixture.Database}/dataConnections/{name}?{ApiVersion}";

    private static async Task<string> NewConsumerGroupAsync(EmulatorChildProcess emulator)
    {
        var name = "cg" + Guid.NewGuid().ToString("N")[..10];
        using var response = await emulator.SendAsync(HttpMethod.Put,
            $"{EmulatorFixture.IotHub}/eventHubEndpoints/events/ConsumerGroups/{name}?api-version=2023-06-30",
            new JsonObject { ["properties"] = new JsonObject { ["name"] = name } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return name;
    }

    /// <summary>Polls an operation URL issued by an earlier process (its port is gone) on this process until it ends.</summary>
    private static async Task<JsonObject> PollAsync(EmulatorChildProcess emulator, string operationUrl)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await emulator.SendAsync(HttpMethod.Get, EmulatorChildProcess.PathOf(operationUrl));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await EmulatorFixture.ReadJsonAsync(response);
            if (body["status"]!.GetValue<string>() != "Running")
            {
                return body;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
