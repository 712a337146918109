using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// Clusters and databases as ARM serves them (issue 8 point 5): GET, DELETE (202 with Location and Azure-AsyncOperation,
/// then gone), and 405 in ARM's error shape for the methods the emulator does not serve. Every test starts from a reset
/// world because the deletes change it.
/// </summary>
public sealed class KustoResourceTests : IClassFixture<EmulatorFixture>
{
    private const string Version = "?api-version=2024-04-13";
    private static readonly string Cluster = EmulatorFixture.Rg + "/providers/Microsoft.Kusto/clusters/" + DefaultWorld.ClusterName;
    private readonly EmulatorFixture emulator;

    public KustoResourceTests(EmulatorFixture emulator) => this.emulator = emulator;

    private async Task ResetAsync()
    {
        using var reset = await emulator.Client.PostAsync("_emulator/reset", null);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
    }

    private async Task<string> CreateConnectionAsync()
    {
        var name = EmulatorFixture.NewName();
        using var put = await emulator.SendAsync(HttpMethod.Put, $"{EmulatorFixture.Database}/dataConnections/{name}{Version}",
            EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("Succeeded", (await emulator.PollAsync(EmulatorFixture.Header(put, "Azure-AsyncOperation")))["status"]!.GetValue<string>());
        return name;
    }

    private async Task DeleteAndWaitAsync(string path)
    {
        using var delete = await emulator.SendAsync(HttpMethod.Delete, path + Version);
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(0, delete.Content.Headers.ContentLength ?? 0);
        var location = delete.Headers.Location;
        Assert.NotNull(location);
        Assert.Contains("operationResultResponseType=Location", location!.Query, StringComparison.Ordinal);
        var asyncOperation = EmulatorFixture.Header(delete, "Azure-AsyncOperation");
        Assert.Contains("/providers/Microsoft.Kusto/locations/", asyncOperation, StringComparison.Ordinal);

        var done = await emulator.PollAsync(asyncOperation);
        Assert.Equal("Succeeded", done["status"]!.GetValue<string>());

        using var final = await emulator.GetAsync(location.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
    }

    private async Task AssertResourceNotFoundAsync(string path)
    {
        using var gone = await emulator.GetAsync(path + Version);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var error = (await EmulatorFixture.ReadJsonAsync(gone))["error"]!;
        Assert.Equal("ResourceNotFound", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_database_is_read_then_deleted_like_ARM_and_takes_its_data_connections_with_it()
    {
        await ResetAsync();
        var connection = await CreateConnectionAsync();

        using (var get = await emulator.GetAsync(EmulatorFixture.Database + Version))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var database = await EmulatorFixture.ReadJsonAsync(get);
            Assert.Equal($"{DefaultWorld.ClusterName}/{DefaultWorld.DatabaseName}", database["name"]!.GetValue<string>());
            Assert.Equal("Microsoft.Kusto/Clusters/Databases", database["type"]!.GetValue<string>());
            Assert.Equal("Succeeded", database["properties"]!["provisioningState"]!.GetValue<string>());
        }

        await DeleteAndWaitAsync(EmulatorFixture.Database);

        await AssertResourceNotFoundAsync(EmulatorFixture.Database);
        using (var connectionGone = await emulator.GetAsync($"{EmulatorFixture.Database}/dataConnections/{connection}{Version}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, connectionGone.StatusCode);
        }

        using (var list = await emulator.GetAsync(Cluster + "/databases" + Version))
        {
            Assert.DoesNotContain((await EmulatorFixture.ReadJsonAsync(list))["value"]!.AsArray(),
                d => d!["name"]!.GetValue<string>().EndsWith("/" + DefaultWorld.DatabaseName, StringComparison.OrdinalIgnoreCase));
        }

        // Deleting what is gone is not an error for ARM: 204.
        using var again = await emulator.SendAsync(HttpMethod.Delete, EmulatorFixture.Database + Version);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        await ResetAsync();
    }

    [Fact]
    public async Task A_cluster_is_read_then_deleted_like_ARM_with_its_databases()
    {
        await ResetAsync();
        await CreateConnectionAsync();

        using (var get = await emulator.GetAsync(Cluster + Version))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var cluster = await EmulatorFixture.ReadJsonAsync(get);
            Assert.Equal(DefaultWorld.ClusterName, cluster["name"]!.GetValue<string>());
            Assert.Equal("Succeeded", cluster["properties"]!["provisioningState"]!.GetValue<string>());
        }

        await DeleteAndWaitAsync(Cluster);

        await AssertResourceNotFoundAsync(Cluster);
        using (var database = await emulator.GetAsync(EmulatorFixture.Database + Version))
        {
            Assert.Equal(HttpStatusCode.NotFound, database.StatusCode);
        }

        using (var list = await emulator.GetAsync(EmulatorFixture.Rg + "/providers/Microsoft.Kusto/clusters" + Version))
        {
            Assert.DoesNotContain((await EmulatorFixture.ReadJsonAsync(list))["value"]!.AsArray(),
                c => string.Equals(c!["name"]!.GetValue<string>(), DefaultWorld.ClusterName, StringComparison.OrdinalIgnoreCase));
        }

        using var again = await emulator.SendAsync(HttpMethod.Delete, Cluster + Version);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        await ResetAsync();
    }

    public static TheoryData<string, string> UnservedMethods => new()
    {
        { "POST", "cluster" }, { "PUT", "cluster" }, { "PATCH", "cluster" },
        { "POST", "database" }, { "PUT", "database" }, { "PATCH", "database" },
    };

    [Theory]
    [MemberData(nameof(UnservedMethods))]
    public async Task Other_methods_on_a_cluster_or_database_get_405_in_ARMs_error_shape_and_change_nothing(string method, string target)
    {
        var path = (target == "cluster" ? Cluster : EmulatorFixture.Database) + Version;
        emulator.Host.ClearRequestLog();

        using var response = await emulator.SendAsync(new HttpMethod(method), path, new JsonObject { ["location"] = "centralus" });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var body = await EmulatorFixture.ReadJsonAsync(response);
        Assert.Equal(new[] { "error" }, body.Select(p => p.Key).ToArray());
        Assert.Equal("MethodNotAllowed", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal($"The HTTP method '{method}' is not supported on the resource '{path}'.", body["error"]!["message"]!.GetValue<string>());
        Assert.Equal("GET, DELETE", string.Join(", ", response.Content.Headers.Allow));

        using var still = await emulator.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.Equal("Succeeded", (await EmulatorFixture.ReadJsonAsync(still))["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_cluster_or_database_is_404_ResourceNotFound_on_GET_and_204_on_DELETE()
    {
        var missingCluster = EmulatorFixture.Rg + "/providers/Microsoft.Kusto/clusters/nosuchcluster";
        var missingDatabase = Cluster + "/databases/nosuchdatabase";
        await AssertResourceNotFoundAsync(missingCluster);
        await AssertResourceNotFoundAsync(missingDatabase);
        foreach (var path in new[] { missingCluster, missingDatabase })
        {
            using var delete = await emulator.SendAsync(HttpMethod.Delete, path + Version);
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
    }

    [Fact]
    public async Task A_reader_cannot_delete_a_database()
    {
        var token = await emulator.TokenAsync(DefaultWorld.ReaderClientId, DefaultWorld.ReaderClientSecret);
        using var delete = await emulator.SendAsync(HttpMethod.Delete, EmulatorFixture.Database + Version, token: token);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal("AuthorizationFailed", (await EmulatorFixture.ReadJsonAsync(delete))["error"]!["code"]!.GetValue<string>());
        using var still = await emulator.GetAsync(EmulatorFixture.Database + Version);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }
}
