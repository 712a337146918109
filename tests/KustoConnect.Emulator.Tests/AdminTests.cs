using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class AdminTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture emulator;

    public AdminTests(EmulatorFixture emulator) => this.emulator = emulator;

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_injected_429_answers_the_next_matching_requests_with_Retry_After_then_stops()
    {
        var path = EmulatorFixture.IotHub + "?api-version=2023-06-30";
        using (var add = await emulator.Client.PostAsync("_emulator/faults", Json(new JsonObject
        {
            ["method"] = "GET", ["pathPattern"] = "/IotHubs/mykustoiothub$", ["count"] = 2, ["statusCode"] = 429, ["retryAfterSeconds"] = 1,
        })))
        {
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var throttled = await emulator.GetAsync(path);
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter!.Delta);
            Assert.Equal("TooManyRequests", (await EmulatorFixture.ReadJsonAsync(throttled))["error"]!["code"]!.GetValue<string>());
        }

        using var ok = await emulator.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task An_operation_fault_makes_the_next_create_end_Failed_with_the_given_code()
    {
        using (var add = await emulator.Client.PostAsync("_emulator/faults", Json(new JsonObject
        {
            ["method"] = "PUT", ["pathPattern"] = "/dataConnections/faulted-", ["operationErrorCode"] = "QuotaExceeded", ["operationErrorMessage"] = "Too many data connections.",
        })))
        {
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        }

        var name = EmulatorFixture.NewName("faulted");
        using var put = await emulator.SendAsync(HttpMethod.Put, $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13",
            EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var operation = await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation"));
        Assert.Equal("Failed", operation["status"]!.GetValue<string>());
        Assert.Equal("QuotaExceeded", operation["error"]!["code"]!.GetValue<string>());
        Assert.Contains("Too many data connections.", operation["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_log_lists_method_path_and_status_in_order_and_never_tokens()
    {
        var token = await emulator.TokenAsync();
        emulator.Host.ClearRequestLog();
        using (await emulator.GetAsync(EmulatorFixture.IotHub + "?api-version=2023-06-30"))
        {
        }

        using (await emulator.GetAsync(EmulatorFixture.IotHub + "nope?api-version=2023-06-30"))
        {
        }

        var log = emulator.Host.RequestLog;
        Assert.Equal(2, log.Count);
        Assert.Equal(new RequestLogEntry("GET", EmulatorFixture.IotHub + "?api-version=2023-06-30", 200), log[0]);
        Assert.Equal(404, log[1].StatusCode);

        using var viaApi = await emulator.Client.GetAsync("_emulator/requests");
        var text = await viaApi.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        var entries = JsonNode.Parse(text)!["value"]!.AsArray();
        Assert.Equal(new[] { 200, 404 }, entries.Select(e => e!["status"]!.GetValue<int>()));

        using (var clear = await emulator.Client.DeleteAsync("_emulator/requests"))
        {
            Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        }

        Assert.Empty(emulator.Host.RequestLog);
    }
}

/// <summary>Reset reseeds the world: its own emulator, so no other test sees it.</summary>
public sealed class ResetTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture emulator;

    public ResetTests(EmulatorFixture emulator) => this.emulator = emulator;

    [Fact]
    public async Task Reset_drops_data_connections_and_consumer_groups_created_since_the_start()
    {
        var cg = await emulator.NewConsumerGroupAsync();
        var name = EmulatorFixture.NewName();
        var path = $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13";
        using (var put = await emulator.SendAsync(HttpMethod.Put, path, EmulatorFixture.IotHubConnection(cg)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using (var reset = await emulator.Client.PostAsync("_emulator/reset", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        using var connection = await emulator.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, connection.StatusCode);
        using var group = await emulator.GetAsync($"{EmulatorFixture.IotHub}/eventHubEndpoints/events/ConsumerGroups/{cg}?api-version=2023-06-30");
        Assert.Equal(HttpStatusCode.NotFound, group.StatusCode);
    }
}
