using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class FaultTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture emulator;

    public FaultTests(EmulatorFixture emulator) => this.emulator = emulator;

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    private async Task AddFaultAsync(JsonObject fault)
    {
        using var add = await emulator.Client.PostAsync("_emulator/faults", Json(fault));
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
    }

    [Fact]
    public async Task A_dropped_connection_fault_aborts_the_matching_request_without_a_response_then_stops()
    {
        var name = EmulatorFixture.NewName("dropped");
        var path = $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13";
        await AddFaultAsync(new JsonObject { ["method"] = "GET", ["pathPattern"] = $"/dataConnections/{name}$", ["dropConnection"] = true });
        emulator.Host.ClearRequestLog();

        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.GetAsync(path));

        using var next = await emulator.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, next.StatusCode);
        var logged = emulator.Host.RequestLog.Where(e => e.Path.Contains(name, StringComparison.Ordinal)).Select(e => e.StatusCode).ToList();
        Assert.Equal(new[] { 0, 404 }, logged);
    }

    [Fact]
    public async Task A_dropped_connection_can_follow_a_latency_and_counts_down_per_matching_request()
    {
        var name = EmulatorFixture.NewName("slowdrop");
        var path = $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13";
        await AddFaultAsync(new JsonObject
        {
            ["method"] = "GET", ["pathPattern"] = $"/dataConnections/{name}$", ["dropConnection"] = true, ["count"] = 2, ["latencyMilliseconds"] = 50,
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.GetAsync(path));
        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.GetAsync(path));
        using var third = await emulator.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, third.StatusCode);
    }

    [Fact]
    public async Task The_admin_API_describes_a_dropped_connection_fault_and_refuses_one_with_a_status_code()
    {
        using (var refused = await emulator.Client.PostAsync("_emulator/faults", Json(new JsonObject
        {
            ["pathPattern"] = "/never-matches-anything$", ["dropConnection"] = true, ["statusCode"] = 503,
        })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("dropConnection", (await EmulatorFixture.ReadJsonAsync(refused))["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using var add = await emulator.Client.PostAsync("_emulator/faults", Json(new JsonObject
        {
            ["method"] = "DELETE", ["pathPattern"] = "/never-matches-anything$", ["dropConnection"] = true,
        }));
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        var described = await EmulatorFixture.ReadJsonAsync(add);
        Assert.True(described["dropConnection"]!.GetValue<bool>());
        Assert.Null(described["statusCode"]);
    }

    private static string DataConnectionPath(string name) => $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13";

    private async Task CreateAsync(string name, string consumerGroup)
    {
        using var put = await emulator.SendAsync(HttpMethod.Put, DataConnectionPath(name), EmulatorFixture.IotHubConnection(consumerGroup));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation")))["status"]!.GetValue<string>());
    }

    private async Task<JsonObject> WaitUntilSettledAsync(string name)
    {
        for (var i = 0; i < 400; i++)
        {
            using var get = await emulator.GetAsync(DataConnectionPath(name));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var resource = await EmulatorFixture.ReadJsonAsync(get);
            var state = resource["properties"]!["provisioningState"]!.GetValue<string>();
            if (state is "Succeeded" or "Failed")
            {
                return resource;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The data connection did not settle.");
    }

    private RequestLogEntry[] Logged(string name) =>
        emulator.Host.RequestLog.Where(e => e.Path.Contains(name, StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task Drop_after_processing_a_PUT_creates_the_connection_and_starts_its_operation_but_sends_no_response()
    {
        var name = EmulatorFixture.NewName("lostput");
        await AddFaultAsync(new JsonObject { ["method"] = "PUT", ["pathPattern"] = $"/dataConnections/{name}$", ["dropConnectionAfterProcessing"] = true });

        var group = await emulator.NewConsumerGroupAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.SendAsync(HttpMethod.Put, DataConnectionPath(name), EmulatorFixture.IotHubConnection(group)));

        var resource = await WaitUntilSettledAsync(name);
        Assert.Equal("Succeeded", resource["properties"]!["provisioningState"]!.GetValue<string>());
        var put = Assert.Single(Logged(name), e => e.Method == "PUT");
        Assert.Equal(0, put.StatusCode);

        // The fault is used up: a re-sent PUT is answered (200: the connection exists now), and there is still one connection.
        using var again = await emulator.SendAsync(HttpMethod.Put, DataConnectionPath(name), EmulatorFixture.IotHubConnection(group));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var list = await emulator.GetAsync($"{EmulatorFixture.Database}/dataConnections?api-version=2024-04-13");
        Assert.Single((await EmulatorFixture.ReadJsonAsync(list))["value"]!.AsArray(), c => c!["name"]!.GetValue<string>().EndsWith("/" + name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drop_after_processing_a_PATCH_applies_the_change_but_sends_no_response()
    {
        var name = EmulatorFixture.NewName("lostpatch");
        await CreateAsync(name, await emulator.NewConsumerGroupAsync());
        await AddFaultAsync(new JsonObject { ["method"] = "PATCH", ["pathPattern"] = $"/dataConnections/{name}$", ["dropConnectionAfterProcessing"] = true });

        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.SendAsync(HttpMethod.Patch, DataConnectionPath(name),
            new JsonObject { ["kind"] = "IotHub", ["properties"] = new JsonObject { ["eventSystemProperties"] = new JsonArray("message-id") } }));

        var resource = await WaitUntilSettledAsync(name);
        Assert.Equal("message-id", resource["properties"]!["eventSystemProperties"]![0]!.GetValue<string>());
        Assert.Equal(0, Assert.Single(Logged(name), e => e.Method == "PATCH").StatusCode);
    }

    [Fact]
    public async Task Drop_after_processing_a_DELETE_deletes_the_connection_but_sends_no_response()
    {
        var name = EmulatorFixture.NewName("lostdelete");
        await CreateAsync(name, await emulator.NewConsumerGroupAsync());
        await AddFaultAsync(new JsonObject { ["method"] = "DELETE", ["pathPattern"] = $"/dataConnections/{name}$", ["dropConnectionAfterProcessing"] = true });

        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.SendAsync(HttpMethod.Delete, DataConnectionPath(name)));

        HttpStatusCode status;
        var polls = 0;
        do
        {
            await Task.Delay(50);
            using var get = await emulator.GetAsync(DataConnectionPath(name));
            status = get.StatusCode;
        }
        while (status == HttpStatusCode.OK && ++polls < 400);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(0, Assert.Single(Logged(name), e => e.Method == "DELETE").StatusCode);

        // Re-sending the DELETE is harmless: the connection is gone, ARM answers 204.
        using var again = await emulator.SendAsync(HttpMethod.Delete, DataConnectionPath(name));
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Fact]
    public async Task Drop_after_processing_the_validation_POST_serves_it_but_sends_no_response()
    {
        var validation = $"{EmulatorFixture.Database}/dataConnectionValidation?api-version=2024-04-13";
        await AddFaultAsync(new JsonObject { ["method"] = "POST", ["pathPattern"] = "/dataConnectionValidation$", ["dropConnectionAfterProcessing"] = true });
        emulator.Host.ClearRequestLog();
        var body = new JsonObject
        {
            ["dataConnectionName"] = EmulatorFixture.NewName("lostvalidation"),
            ["properties"] = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()),
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.SendAsync(HttpMethod.Post, validation, body));

        var logged = Assert.Single(emulator.Host.RequestLog, e => e.Path.Contains("dataConnectionValidation", StringComparison.Ordinal));
        Assert.Equal(0, logged.StatusCode);
        using var answered = await emulator.SendAsync(HttpMethod.Post, validation, body);
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
    }

    [Fact]
    public async Task The_admin_API_describes_a_drop_after_processing_fault_and_refuses_it_with_a_status_or_a_plain_drop()
    {
        foreach (var conflicting in new[] { "statusCode", "dropConnection", "operationErrorCode" })
        {
            var fault = new JsonObject { ["pathPattern"] = "/never-matches-anything$", ["dropConnectionAfterProcessing"] = true };
            fault[conflicting] = conflicting switch { "statusCode" => 503, "dropConnection" => true, _ => "SomeCode" };
            using var refused = await emulator.Client.PostAsync("_emulator/faults", Json(fault));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("dropConnectionAfterProcessing", (await EmulatorFixture.ReadJsonAsync(refused))["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using var add = await emulator.Client.PostAsync("_emulator/faults", Json(new JsonObject
        {
            ["method"] = "PUT", ["pathPattern"] = "/never-matches-anything$", ["dropConnectionAfterProcessing"] = true, ["count"] = 3,
        }));
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        var described = await EmulatorFixture.ReadJsonAsync(add);
        Assert.True(described["dropConnectionAfterProcessing"]!.GetValue<bool>());
        Assert.False(described["dropConnection"]!.GetValue<bool>());
        Assert.Equal(3, described["remaining"]!.GetValue<int>());
        using var clear = await emulator.Client.DeleteAsync("_emulator/faults");
    }
}
