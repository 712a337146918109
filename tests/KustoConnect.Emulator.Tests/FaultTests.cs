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
}
